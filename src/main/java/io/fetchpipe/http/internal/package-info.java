/**
 * The fetcher's internals: URL reading (browser-like), the fetch handler, the connection cache
 * (kept-alive connections across hosts, name lookups, routes), the per-host circuit breakers, and
 * body reading. Not public API.
 */
@InternalApi
package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;

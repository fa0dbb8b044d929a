/**
 * The fetcher's internals: URL reading (browser-like), the fetch handler, the per-host connection
 * pools and circuit breakers, and body reading. Not public API.
 */
@InternalApi
package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;

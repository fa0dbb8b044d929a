/**
 * The HTTP client's internals: URL reading and the parts the fetcher builds on.
 * Not public API; these types may change between releases.
 */
package io.fetchpipe.http.internal;

/**
 * The embedded test server: an httpbin-compatible Pekko HTTP server with fetchpipe's own fault
 * routes beside httpbin's, and a raw-TCP hostile peer for what no HTTP server would send; used by
 * the demo, the tests and users offline ({@code fetchpipe serve}).
 */
package io.fetchpipe.http.server;

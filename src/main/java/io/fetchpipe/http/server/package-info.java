/**
 * The embedded test server: an httpbin-like Pekko HTTP server with delay, status, bytes, fault and
 * response-shaped routes, and a raw-TCP hostile peer beside it for what no HTTP server would send;
 * used by the demo, the tests and users offline ({@code fetchpipe serve}).
 */
package io.fetchpipe.http.server;

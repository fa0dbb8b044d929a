/**
 * The embedded test server: an httpbin-like Pekko HTTP server with delay, status, bytes and fault
 * routes, used by the demo, the tests and users offline ({@code fetchpipe serve}).
 */
package io.fetchpipe.http.server;

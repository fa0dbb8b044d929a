/**
 * Fetching URLs with Pekko HTTP's client under the core's throttling router, and the embedded test
 * server the demo, the tests and users fetch from offline.
 */
package io.fetchpipe.http;

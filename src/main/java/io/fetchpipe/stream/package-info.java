/**
 * Pekko Streams building blocks for batch jobs: URL files read lazily into requests, and results
 * written as JSON lines, whole lines only, flushed as they come.
 */
package io.fetchpipe.stream;

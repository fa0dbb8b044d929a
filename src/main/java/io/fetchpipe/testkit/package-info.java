/**
 * Testing an application's own pipelines: the embedded test server as a JUnit 5 extension, and
 * virtual time for pools. Needs JUnit 5 and Pekko's typed ActorTestKit on the test class path.
 */
package io.fetchpipe.testkit;

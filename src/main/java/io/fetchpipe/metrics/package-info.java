/**
 * Metrics for applications: {@link io.fetchpipe.metrics.FetchpipeMetrics} binds the meters of every
 * pool, fetcher and pipeline of an actor system to a Micrometer registry. Micrometer is an optional
 * dependency: only this package refers to it, so an application that binds no registry needs none
 * on its class path.
 */
package io.fetchpipe.metrics;

/**
 * One pool over a Pekko Cluster: nodes offer workers for a named kind of job, and a pool created on
 * any node runs its jobs on all of them, with its limits (concurrency, rate and per-key limits for
 * the whole cluster, besides each node's own slots) decided in one place, and the jobs of a lost
 * node run again elsewhere. Requests and results cross nodes through codecs registered per actor
 * system. Needs {@code pekko-cluster-typed} on the class path.
 */
package io.fetchpipe.cluster;

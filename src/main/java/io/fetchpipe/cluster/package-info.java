/**
 * One pool over a Pekko Cluster: nodes offer workers for a named kind of job, and a pool created
 * on any node runs its jobs on all of them, with its limits (concurrency per node, rate and
 * per-key limits for the whole cluster) decided in one place, and the jobs of a lost node run
 * again elsewhere. Needs {@code pekko-cluster-typed} on the class path.
 */
package io.fetchpipe.cluster;

/**
 * Fetching over a Pekko Cluster: the fetcher's workers offered on every node and a fetch pool whose
 * limits hold for the whole cluster, with the codecs that carry requests, responses and failures
 * between nodes. It joins {@code http} and {@code cluster}, which know nothing of each other. Needs
 * {@code pekko-cluster-typed} on the class path.
 */
package io.fetchpipe.cluster.fetch;

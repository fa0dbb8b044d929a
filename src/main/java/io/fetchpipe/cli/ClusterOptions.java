package io.fetchpipe.cli;

/**
 * How {@code fetch --cluster} coordinates.
 *
 * @param address where the coordinator binds: the cluster's seed node
 * @param minWorkers worker nodes to wait for before the first request
 * @param noLocal whether the coordinator only coordinates (fetches nothing itself)
 */
record ClusterOptions(HostPort address, int minWorkers, boolean noLocal) {}

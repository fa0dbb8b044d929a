/**
 * fetchpipe: asyncio's concurrency patterns on Pekko actors, and a URL fetcher built on them. The
 * public API lives in {@code core} (tasks, jobs, pools, outcomes), {@code queue} (producer and
 * consumer pipelines), {@code http} (the fetcher), {@code http.server} (the embedded test server),
 * {@code stream} (batch jobs as stream stages), {@code cluster} (pools over a Pekko Cluster),
 * {@code cluster.fetch} (fetching over a cluster), {@code metrics} (Micrometer meters) and {@code
 * testkit} (testing an application's own code), besides {@link io.fetchpipe.InternalApi} here;
 * packages named {@code internal} are not API, and {@code cli} and {@code demo} are the command
 * line's.
 */
package io.fetchpipe;

/**
 * fetchpipe: asyncio's concurrency patterns on Pekko actors, and a URL fetcher built on them. The
 * public API lives in {@code core}, {@code queue}, {@code http}, {@code stream} and {@code testkit};
 * packages named {@code internal} are not API (see {@link io.fetchpipe.InternalApi}).
 */
package io.fetchpipe;

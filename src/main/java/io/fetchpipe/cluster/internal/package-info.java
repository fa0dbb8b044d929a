/**
 * The actors and the wire format behind cluster pools: each node's worker host and its pool
 * attachments, each pool's recruiter, and the serializer of every message that crosses nodes. Not
 * public API.
 */
@InternalApi
package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;

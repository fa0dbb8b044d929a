package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the jobs of one gather share: the gather's id, the per-job timeout (null for none), where
 * the router reports, and whether the first failure cancels the rest of the batch. With {@code
 * failFast} the router cancels the batch itself as soon as it sees the failure, so no queued job of
 * the batch starts after it, however quickly a slot frees up.
 */
@InternalApi
public record Batch(
    long id, Duration jobTimeout, ActorRef<ThrottlingRouter.Reply> replyTo, boolean failFast) {}

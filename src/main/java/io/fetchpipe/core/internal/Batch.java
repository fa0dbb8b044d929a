package io.fetchpipe.core.internal;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the jobs of one gather share: the gather's id, the per-job timeout (null for none) and
 * where the router reports.
 */
public record Batch(long id, Duration jobTimeout, ActorRef<ThrottlingRouter.Reply> replyTo) {}

package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The parent of every actor fetchpipe starts in an actor system ({@code /system/fetchpipe}): each
 * pool and each pipeline run is a child subtree of it, so they are found in one place and stop with
 * it. It only spawns; its children stop themselves when their facade is closed or their run is
 * over.
 */
@InternalApi
public final class Guardian extends AbstractBehavior<Guardian.Command> {

  /** Messages the guardian understands. */
  public interface Command {}

  /**
   * Spawn a child; the future completes with its reference. A taken name gets a numeric suffix.
   *
   * @param <T> the child's protocol
   */
  public record Spawn<T>(
      Behavior<T> behavior, String name, Props props, CompletableFuture<ActorRef<T>> spawned)
      implements Command {}

  private Guardian(ActorContext<Command> context) {
    super(context);
  }

  /** The guardian's behavior. */
  public static Behavior<Command> create() {
    return Behaviors.setup(Guardian::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Spawn.class, this::onSpawn).build();
  }

  private <T> Behavior<Command> onSpawn(Spawn<T> spawn) {
    String name = spawn.name();
    for (int suffix = 1; getContext().getChild(name).isPresent(); suffix++) {
      name = spawn.name() + "-" + suffix;
    }
    try {
      spawn.spawned().complete(getContext().spawn(spawn.behavior(), name, spawn.props()));
    } catch (RuntimeException e) { // e.g. a dispatcher that is not configured
      spawn.spawned().completeExceptionally(e);
    }
    return this;
  }
}

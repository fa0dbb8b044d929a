package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;

/**
 * fetchpipe's one foothold in an actor system: owns the {@link Guardian}, under which every
 * fetchpipe actor of that system is spawned. Created the first time a pool or pipeline needs it.
 */
@InternalApi
public final class FetchpipeExtension implements Extension {
  private static final ExtensionId<FetchpipeExtension> ID =
      new ExtensionId<>() {
        @Override
        public FetchpipeExtension createExtension(ActorSystem<?> system) {
          return new FetchpipeExtension(system);
        }
      };

  private final ActorRef<Guardian.Command> guardian;

  private FetchpipeExtension(ActorSystem<?> system) {
    this.guardian = system.systemActorOf(Guardian.create(), "fetchpipe", Props.empty());
  }

  /** The extension of {@code system}. */
  public static FetchpipeExtension get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Spawns {@code behavior} as a child of the guardian; {@code name} gets a suffix if taken. */
  public <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name, Props props) {
    CompletableFuture<ActorRef<T>> spawned = new CompletableFuture<>();
    guardian.tell(new Guardian.Spawn<>(behavior, name, props, spawned));
    return spawned;
  }
}

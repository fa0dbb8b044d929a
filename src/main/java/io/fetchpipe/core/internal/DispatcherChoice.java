package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;

/**
 * The {@code dispatcher} setting of the pool and the pipeline: a config path, or {@code "default"}
 * for the actor system's default dispatcher. One reading of it for actors and for streams.
 */
@InternalApi
public final class DispatcherChoice {
  /** The setting's value that means the actor system's default dispatcher. */
  public static final String DEFAULT = "default";

  private DispatcherChoice() {}

  /** Props that run an actor on {@code dispatcher}. */
  public static Props props(String dispatcher) {
    return on(Props.empty(), dispatcher);
  }

  /** {@code base} (a mailbox choice, say) running on {@code dispatcher}. */
  public static Props on(Props base, String dispatcher) {
    return DEFAULT.equals(dispatcher) ? base : base.withDispatcherFromConfig(dispatcher);
  }

  /** Stream attributes that run a graph on {@code dispatcher}. */
  public static Attributes attributes(String dispatcher) {
    return DEFAULT.equals(dispatcher) ? Attributes.none() : ActorAttributes.dispatcher(dispatcher);
  }
}

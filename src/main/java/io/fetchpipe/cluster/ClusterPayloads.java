package io.fetchpipe.cluster;

import io.fetchpipe.cluster.internal.PayloadRegistry;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The types of requests, results and failures that may cross nodes from and to one actor system,
 * each with its {@link PayloadCodec}. Registrations belong to the actor system (another system in
 * the same JVM knows only its own), and a node must register the same types as the nodes it works
 * with, on every node, before they travel. {@code String}, {@code Integer}, {@code Long} and {@code
 * byte[]} are known from the start.
 *
 * <p>A failure (the cause of a failed outcome) whose class, or a superclass of it, is registered
 * crosses whole through that codec; any other arrives as a {@code TaskFailure} of the same kind and
 * message ({@code RetryableFailure} keeps its retry data).
 *
 * <pre>{@code
 * ClusterPayloads.get(system).register(ImageRef.class, PayloadCodec.json(ImageRef.class));
 * }</pre>
 */
public final class ClusterPayloads {
  private final PayloadRegistry registry;

  private ClusterPayloads(PayloadRegistry registry) {
    this.registry = registry;
  }

  /** The payloads of {@code system}. */
  public static ClusterPayloads get(ActorSystem<?> system) {
    return new ClusterPayloads(PayloadRegistry.get(system));
  }

  /**
   * Lets values of {@code type} (exactly that class; for a failure, its subclasses too) cross nodes
   * with {@code codec}. Registering a type again replaces its codec.
   *
   * @return this, to register more
   */
  public <T> ClusterPayloads register(Class<T> type, PayloadCodec<T> codec) {
    registry.register(type, codec);
    return this;
  }
}

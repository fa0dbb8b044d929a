package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Work an actor system waits for from outside its own threads, such as a request on the wire whose
 * answer the network will bring. A scheduler that moves virtual time implements it to learn that
 * something may still arrive before it moves time on (see the test kit's {@code VirtualTime}); with
 * a real scheduler nothing is counted and the calls cost nothing.
 */
@InternalApi
public interface ExternalWork {
  /** Counts nothing: the actor system runs in real time. */
  ExternalWork NONE = () -> () -> {};

  /**
   * Notes that a piece of outside work has begun.
   *
   * @return what ends it: the first call counts, later ones do nothing
   */
  Runnable begin();

  /**
   * The counter of {@code system}: its scheduler when that watches outside work, else {@link
   * #NONE}.
   */
  static ExternalWork of(ActorSystem<?> system) {
    return system.classicSystem().scheduler() instanceof ExternalWork watching ? watching : NONE;
  }

  /** An end that runs {@code end} once, however often it is called. */
  static Runnable once(Runnable end) {
    AtomicBoolean ended = new AtomicBoolean();
    return () -> {
      if (ended.compareAndSet(false, true)) {
        end.run();
      }
    };
  }
}

package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * An actor reference that arrives later (a child the guardian is still spawning), usable at once:
 * messages told before it arrives are kept and delivered first, in the order they were told, so a
 * facade never blocks and never reorders its messages.
 *
 * @param <T> the actor's protocol
 */
@InternalApi
public final class PendingRef<T> {
  private final Object lock = new Object();
  private volatile ActorRef<T> ref;
  private List<T> backlog = new ArrayList<>(); // guarded by lock; null once delivered
  private Throwable failure; // guarded by lock

  /** A reference that becomes usable when {@code spawned} completes. */
  public PendingRef(CompletionStage<ActorRef<T>> spawned) {
    spawned.whenComplete(this::arrived);
  }

  private void arrived(ActorRef<T> arrived, Throwable error) {
    synchronized (lock) {
      if (error != null) {
        failure = error;
        backlog = null;
        return;
      }
      for (T message : backlog) {
        arrived.tell(message);
      }
      backlog = null;
      ref = arrived;
    }
  }

  /** Sends {@code message} now, or as soon as the actor exists. */
  public void tell(T message) {
    ActorRef<T> now = ref;
    if (now != null) {
      now.tell(message);
      return;
    }
    synchronized (lock) {
      if (failure != null) {
        throw new IllegalStateException(
            "the actor could not be started: " + failure.getMessage(), failure);
      }
      if (backlog != null) {
        backlog.add(message);
        return;
      }
    }
    ref.tell(message);
  }
}

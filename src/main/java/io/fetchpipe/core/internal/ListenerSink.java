package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import org.apache.pekko.actor.typed.ActorRef;

/** Sends each outcome, as it completes, to an actor. */
@InternalApi
public final class ListenerSink implements OutcomeSink {
  private final ActorRef<Object> listener;

  /** A sink telling {@code listener}. */
  @SuppressWarnings("unchecked")
  public ListenerSink(ActorRef<?> listener) {
    this.listener = (ActorRef<Object>) listener;
  }

  @Override
  public boolean accept(Outcome<?> outcome) {
    listener.tell(outcome);
    return true;
  }

  @Override
  public void complete() {
    // The listener learns of completion through GatherControl.whenDone().
  }
}

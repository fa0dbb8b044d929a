package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.core.internal.Parts;
import org.apache.pekko.actor.typed.ActorSystem;

/** A {@link FetchClient}'s connections and breakers, as a {@link Part} that metrics can watch. */
@InternalApi
public final class ObservedClient {
  private ObservedClient() {}

  /**
   * Registers {@code client}'s connections under {@code name}; close the part when the client
   * closes.
   */
  public static Part register(ActorSystem<?> system, String name, FetchClient client) {
    Part part = Parts.get(system).register(Part.Kind.CONNECTIONS, name, client::openConnections);
    client.onBreakerOpen(part::breakerOpened);
    return part;
  }
}

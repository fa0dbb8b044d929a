package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import scala.concurrent.duration.FiniteDuration;

/**
 * A TCP connection to an address already known (looked up or pinned), whatever host the request
 * names: Pekko HTTP's own TCP transport, minus its name lookup, which would otherwise run again for
 * every connection inside Pekko's I/O actors.
 */
@InternalApi
public final class ResolvedTransport extends ClientTransport {
  private final InetSocketAddress address;

  /** Connections go to {@code address}. */
  public ResolvedTransport(InetSocketAddress address) {
    this.address = address;
  }

  /** The address connections go to. */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(
      String host, int port, ClientConnectionSettings settings, ActorSystem system) {
    FiniteDuration connecting = settings.getConnectingTimeout();
    scala.concurrent.duration.Duration idle = settings.getIdleTimeout();
    return Tcp.get(system)
        .outgoingConnection(
            address,
            settings.getLocalAddress(),
            settings.getSocketOptions(),
            true,
            Optional.of(Duration.ofNanos(connecting.toNanos())),
            idle.isFinite() ? Optional.of(Duration.ofNanos(idle.toNanos())) : Optional.empty())
        .mapMaterializedValue(
            connected ->
                connected.thenApply(
                    tcp ->
                        new OutgoingConnection(
                            new org.apache.pekko.http.scaladsl.Http.OutgoingConnection(
                                tcp.localAddress(), tcp.remoteAddress()))));
  }
}

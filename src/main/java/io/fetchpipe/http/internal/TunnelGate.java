package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Sits between HTTP (above) and a connection through a proxy (below), and tells when the way
 * through is open: when the connection below first asks for HTTP's bytes, which a {@code CONNECT}
 * tunnel and a SOCKS5 handshake do only once the proxy has said yes, and plain TCP once connected.
 * Its materialized value completes then, or fails with the proxy's reason.
 *
 * <p>Why: Pekko HTTP's pool reports a connection that fails while being set up by whichever signal
 * reaches it first, and the cancellation of the request side (which the failure also brings,
 * through HTTP and TLS) carries no reason: "Connection was cancelled". So until the way is open
 * nothing below reaches HTTP: a failure only fails the materialized value, which the pool takes as
 * the connection attempt's failure, with its reason, and then closes the connection from above.
 * Once open, bytes and signals pass through unchanged.
 */
@InternalApi
final class TunnelGate
    extends AbstractGraphStageWithMaterializedValue<
        BidiShape<ByteString, ByteString, ByteString, ByteString>, CompletableFuture<Void>> {
  private final Inlet<ByteString> fromHttp = Inlet.create("TunnelGate.fromHttp");
  private final Outlet<ByteString> toProxy = Outlet.create("TunnelGate.toProxy");
  private final Inlet<ByteString> fromProxy = Inlet.create("TunnelGate.fromProxy");
  private final Outlet<ByteString> toHttp = Outlet.create("TunnelGate.toHttp");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(fromHttp, toProxy, fromProxy, toHttp);
  private final UnaryOperator<Throwable> named;
  private final String closedEarly;

  /**
   * A gate whose failures before the way is open are passed through {@code named}, and whose
   * connection closed before it was open fails with {@code closedEarly}.
   */
  TunnelGate(UnaryOperator<Throwable> named, String closedEarly) {
    this.named = named;
    this.closedEarly = closedEarly;
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletableFuture<Void>> createLogicAndMaterializedValuePair(
      Attributes attributes) {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          {
            setHandler(
                fromHttp,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    push(toProxy, grab(fromHttp));
                  }

                  @Override
                  public void onUpstreamFinish() {
                    if (opened.isDone() && !opened.isCompletedExceptionally()) {
                      complete(toProxy);
                    } else {
                      completeStage();
                    }
                  }
                });
            setHandler(
                toProxy,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    opened.complete(null); // the first demand from below: the way is open
                    if (!hasBeenPulled(fromHttp) && !isClosed(fromHttp)) {
                      pull(fromHttp);
                    }
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    if (isOpen()) {
                      cancel(fromHttp, cause);
                    } else {
                      refused(cause); // HTTP hears of it through the pool, with the reason
                    }
                  }
                });
            setHandler(
                fromProxy,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    push(toHttp, grab(fromProxy));
                  }

                  @Override
                  public void onUpstreamFinish() {
                    if (isOpen()) {
                      complete(toHttp);
                    } else {
                      refused(new ProxyTransport.Refusal(closedEarly));
                    }
                  }

                  @Override
                  public void onUpstreamFailure(Throwable error) {
                    if (isOpen()) {
                      fail(toHttp, error);
                    } else {
                      refused(error);
                    }
                  }
                });
            setHandler(
                toHttp,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    if (!hasBeenPulled(fromProxy) && !isClosed(fromProxy)) {
                      pull(fromProxy);
                    }
                  }
                });
          }

          private boolean isOpen() {
            return opened.isDone() && !opened.isCompletedExceptionally();
          }

          private void refused(Throwable error) {
            opened.completeExceptionally(named.apply(error));
            if (!isClosed(fromProxy)) {
              cancel(fromProxy);
            }
            if (!isClosed(toProxy)) {
              complete(toProxy);
            }
          }

          @Override
          public void postStop() {
            opened.completeExceptionally(named.apply(new ProxyTransport.Refusal(closedEarly)));
          }
        };
    return Pair.create(logic, opened);
  }
}

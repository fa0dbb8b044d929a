package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.ProxyServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Connections through a SOCKS5 proxy (RFC 1928, with RFC 1929's user name and password when the
 * proxy URL has credentials), which Pekko HTTP does not have: a TCP connection to the proxy, then
 * the SOCKS5 handshake asking it to connect to the target (by name, so the proxy resolves it, as
 * curl's {@code socks5h}), then the bytes of HTTP, or of TLS, pass through untouched. A refusal
 * fails the connection with a {@link ProxyTransport.Refusal} giving the proxy's reason.
 */
@InternalApi
public final class Socks5Transport extends ClientTransport {
  private final InetSocketAddress proxyAddress;
  private final ProxyServer proxy;

  /** Connections through the SOCKS5 proxy at {@code proxyAddress}. */
  public Socks5Transport(InetSocketAddress proxyAddress, ProxyServer proxy) {
    this.proxyAddress = proxyAddress;
    this.proxy = proxy;
  }

  @Override
  public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(
      String host, int port, ClientConnectionSettings settings, ActorSystem system) {
    Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> toProxy =
        ClientTransport.TCP()
            .connectTo(proxyAddress.getHostString(), proxyAddress.getPort(), settings, system);
    // The handshake's top faces HTTP; reversed, its top faces the proxy's connection it closes off.
    return toProxy.joinMat(
        BidiFlow.fromGraph(new Handshake(host, port, proxy)).reversed(), Keep.left());
  }

  /**
   * The SOCKS5 handshake between HTTP above and the proxy's TCP connection below: top-in and
   * bottom-out carry the client's bytes down, bottom-in and top-out the proxy's up. Nothing of the
   * client's passes before the proxy has connected to the target.
   */
  private static final class Handshake
      extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
    private static final byte VERSION = 5;
    private static final byte NO_AUTHENTICATION = 0;
    private static final byte USER_PASSWORD = 2;
    private static final String[] REPLIES = {
      "succeeded",
      "general SOCKS server failure",
      "connection not allowed by ruleset",
      "network unreachable",
      "host unreachable",
      "connection refused",
      "TTL expired",
      "command not supported",
      "address type not supported"
    };

    private final Inlet<ByteString> fromClient = Inlet.create("Socks5.fromClient");
    private final Outlet<ByteString> toProxy = Outlet.create("Socks5.toProxy");
    private final Inlet<ByteString> fromProxy = Inlet.create("Socks5.fromProxy");
    private final Outlet<ByteString> toClient = Outlet.create("Socks5.toClient");
    private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
        BidiShape.of(fromClient, toProxy, fromProxy, toClient);
    private final String host;
    private final int port;
    private final ProxyServer proxy;

    Handshake(String host, int port, ProxyServer proxy) {
      this.host = host;
      this.port = port;
      this.proxy = proxy;
    }

    @Override
    public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
      return shape;
    }

    private enum State {
      METHOD,
      AUTHENTICATION,
      CONNECT,
      OPEN
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        private State state = State.METHOD;
        private ByteString received = ByteString.emptyByteString();

        @Override
        public void preStart() {
          byte[] greeting =
              proxy.hasCredentials()
                  ? new byte[] {VERSION, 2, NO_AUTHENTICATION, USER_PASSWORD}
                  : new byte[] {VERSION, 1, NO_AUTHENTICATION};
          emit(toProxy, ByteString.fromArray(greeting));
          pull(fromProxy);
        }

        {
          setHandler(
              fromClient,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  push(toProxy, grab(fromClient)); // pulled only once open
                }

                @Override
                public void onUpstreamFinish() {
                  if (state == State.OPEN) {
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
                  if (state == State.OPEN && !hasBeenPulled(fromClient)) {
                    pull(fromClient);
                  }
                }
              });
          setHandler(
              fromProxy,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  if (state == State.OPEN) {
                    push(toClient, grab(fromProxy));
                    return;
                  }
                  received = received.concat(grab(fromProxy));
                  handshake();
                }

                @Override
                public void onUpstreamFinish() {
                  if (state == State.OPEN) {
                    complete(toClient);
                  } else {
                    failStage(
                        new ProxyTransport.Refusal(
                            "closed the connection during the SOCKS5 handshake"));
                  }
                }
              });
          setHandler(
              toClient,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  if (state == State.OPEN && !hasBeenPulled(fromProxy) && !isClosed(fromProxy)) {
                    pull(fromProxy);
                  }
                }
              });
        }

        /** Reads the proxy's next answer once it has arrived whole, and sends what follows it. */
        private void handshake() {
          switch (state) {
            case METHOD -> {
              if (received.size() < 2) {
                break;
              }
              byte method = received.apply(1);
              expectVersion(VERSION);
              received = received.drop(2);
              if (method == USER_PASSWORD && proxy.hasCredentials()) {
                emit(toProxy, credentials());
                state = State.AUTHENTICATION;
              } else if (method == NO_AUTHENTICATION) {
                emit(toProxy, connectRequest());
                state = State.CONNECT;
              } else {
                failStage(
                    new ProxyTransport.Refusal(
                        "accepts none of the offered authentication methods"
                            + (proxy.hasCredentials()
                                ? ""
                                : " (does it want a user name and password?)")));
                return;
              }
            }
            case AUTHENTICATION -> {
              if (received.size() < 2) {
                break;
              }
              byte status = received.apply(1);
              received = received.drop(2);
              if (status != 0) {
                failStage(new ProxyTransport.Refusal("rejected the user name and password"));
                return;
              }
              emit(toProxy, connectRequest());
              state = State.CONNECT;
            }
            case CONNECT -> {
              int length = replyLength();
              if (length < 0 || received.size() < length) {
                break;
              }
              expectVersion(VERSION);
              int reply = received.apply(1) & 0xff;
              if (reply != 0) {
                String reason = reply < REPLIES.length ? REPLIES[reply] : "reply " + reply;
                failStage(
                    new ProxyTransport.Refusal(
                        "refused the tunnel to " + host + ":" + port + ": " + reason));
                return;
              }
              ByteString early = received.drop(length);
              received = ByteString.emptyByteString();
              state = State.OPEN;
              if (!early.isEmpty()) {
                emit(toClient, early);
              }
              if (isAvailable(toProxy) && !hasBeenPulled(fromClient)) {
                pull(fromClient);
              }
              if (isAvailable(toClient) && !hasBeenPulled(fromProxy)) {
                pull(fromProxy);
              }
              return;
            }
            default -> {
              return;
            }
          }
          if (!isClosed(fromProxy) && !hasBeenPulled(fromProxy)) {
            pull(fromProxy);
          }
        }

        private void expectVersion(byte version) {
          if (received.apply(0) != version) {
            throw new ProxyTransport.Refusal(
                "does not speak SOCKS5 (it answered with version "
                    + (received.apply(0) & 0xff)
                    + ")");
          }
        }

        /** The CONNECT reply's whole length once its address type is known, else -1. */
        private int replyLength() {
          if (received.size() < 5) {
            return -1;
          }
          return switch (received.apply(3)) {
            case 1 -> 4 + 4 + 2;
            case 4 -> 4 + 16 + 2;
            case 3 -> 4 + 1 + (received.apply(4) & 0xff) + 2;
            default -> 4 + 2; // a failure reply may carry no address
          };
        }
      };
    }

    /** RFC 1929: version 1, the user name and the password, each with its length. */
    private ByteString credentials() {
      byte[] user = proxy.username().getBytes(StandardCharsets.UTF_8);
      byte[] password = proxy.password().getBytes(StandardCharsets.UTF_8);
      if (user.length > 255 || password.length > 255) {
        throw new ProxyTransport.Refusal("takes user names and passwords of at most 255 bytes");
      }
      return new ByteStringBuilder()
          .putByte((byte) 1)
          .putByte((byte) user.length)
          .putBytes(user)
          .putByte((byte) password.length)
          .putBytes(password)
          .result();
    }

    /** CONNECT to the target: an IP address as such, a name as a name for the proxy to resolve. */
    private ByteString connectRequest() {
      ByteStringBuilder request =
          new ByteStringBuilder().putByte(VERSION).putByte((byte) 1).putByte((byte) 0);
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (bare.matches("[0-9]+(\\.[0-9]+){3}") || bare.indexOf(':') >= 0) {
        byte[] address = literal(bare);
        request.putByte((byte) (address.length == 4 ? 1 : 4)).putBytes(address);
      } else {
        byte[] name = bare.getBytes(StandardCharsets.US_ASCII);
        request.putByte((byte) 3).putByte((byte) name.length).putBytes(name);
      }
      return request.putByte((byte) (port >> 8)).putByte((byte) port).result();
    }

    private static byte[] literal(String address) {
      try {
        return InetAddress.getByName(address).getAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new ProxyTransport.Refusal("cannot send the address " + address);
      }
    }
  }
}

package io.fetchpipe.http.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * A peer that misbehaves below what an HTTP server library lets one write, for testing how a client
 * copes: a raw TCP listener on 127.0.0.1 that reads each connection's request head and answers by
 * the request line's path, one request per connection.
 *
 * <ul>
 *   <li>{@code /garbage}: a line that is not HTTP (an SSH banner), then the connection closes;
 *   <li>{@code /oversized-header}: {@code 200 OK} with one header of 200 KB, then a small body;
 *   <li>{@code /trickle}: {@code 200 OK}, then one header line every {@link #INTERVAL}, never
 *       ending the header block, until the client closes or the server stops;
 *   <li>{@code /slow-body}: valid headers declaring 1 000 000 bytes, then one byte every {@link
 *       #INTERVAL};
 *   <li>anything else: a valid {@code 404}.
 * </ul>
 *
 * <p>The answers run on the streams' own timers; {@link #stop()} closes every open connection at
 * once, so a test never waits for a trickling one.
 */
public final class HostileServer {
  /** The pace of {@code /trickle}'s header lines and {@code /slow-body}'s bytes. */
  public static final Duration INTERVAL = Duration.ofMillis(200);

  private static final String HOST = "127.0.0.1";
  private static final ByteString CRLF = ByteString.fromString("\r\n");
  // Longest request line or header line read; a longer one ends the connection.
  private static final int MAX_LINE = 16 * 1024;
  // Header lines read at most before answering anyway.
  private static final int MAX_HEAD_LINES = 200;
  private static final int OVERSIZED_HEADER = 200 * 1024;
  private static final int SLOW_BODY = 1_000_000;

  private final Tcp.ServerBinding binding;
  private final SharedKillSwitch connections;

  private HostileServer(Tcp.ServerBinding binding, SharedKillSwitch connections) {
    this.binding = binding;
    this.connections = connections;
  }

  /** Starts a hostile peer on {@code 127.0.0.1} at a free port. */
  public static CompletionStage<HostileServer> start(ActorSystem<?> system) {
    SharedKillSwitch connections = KillSwitches.shared("hostile-server-connections");
    Flow<ByteString, ByteString, NotUsed> handler = connection().via(connections.flow());
    return Tcp.get(system)
        .bind(HOST, 0)
        .to(Sink.foreach(incoming -> incoming.handleWith(handler, system)))
        .run(system)
        .thenApply(binding -> new HostileServer(binding, connections));
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** The URL of {@code path} on this peer, e.g. {@code http://127.0.0.1:41234/trickle}. */
  public String url(String path) {
    return "http://" + HOST + ":" + port() + path;
  }

  /** Stops accepting connections and closes every open one at once; stopping again is harmless. */
  public CompletionStage<Done> stop() {
    // A connection accepted after this still passes the switch, which then ends it at once.
    connections.shutdown();
    return binding.unbind().thenApply(unbound -> Done.getInstance());
  }

  /**
   * One connection: waits for the end of the request head (or of the input), answers by the request
   * line's path, and closes when the answer is complete. Beside that, the input is read to its end:
   * cancelling a TCP connection's input would close the whole connection (which is also why this is
   * a broadcast that does not cancel eagerly, not {@code alsoTo}, which does).
   */
  private static Flow<ByteString, ByteString, NotUsed> connection() {
    Flow<ByteString, ByteString, NotUsed> respond =
        Flow.of(ByteString.class)
            .via(Framing.delimiter(CRLF, MAX_LINE, FramingTruncation.ALLOW))
            .map(ByteString::utf8String)
            .takeWhile(line -> !line.isEmpty())
            .take(MAX_HEAD_LINES)
            .fold("", (requestLine, line) -> requestLine.isEmpty() ? line : requestLine)
            .flatMapConcat(requestLine -> answer(pathOf(requestLine)));
    return Flow.fromGraph(
        GraphDSL.create(
            builder -> {
              UniformFanOutShape<ByteString, ByteString> input =
                  builder.add(Broadcast.create(2, false));
              FlowShape<ByteString, ByteString> answer = builder.add(respond);
              builder.from(input.out(0)).to(builder.add(Sink.ignore()));
              builder.from(input.out(1)).toInlet(answer.in());
              return FlowShape.of(input.in(), answer.out());
            }));
  }

  /** The path of a request line such as {@code GET /trickle?x=1 HTTP/1.1}; empty if none. */
  private static String pathOf(String requestLine) {
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      return "";
    }
    try {
      String path = URI.create(parts[1]).getRawPath();
      return path == null ? "" : path;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static Source<ByteString, ?> answer(String path) {
    return switch (path) {
      case "/garbage" -> Source.single(ByteString.fromString("SSH-2.0-OpenSSH_9.2\r\n"));
      case "/oversized-header" -> Source.single(oversizedHeader());
      case "/trickle" -> trickle();
      case "/slow-body" -> slowBody();
      default -> Source.single(notFound(path));
    };
  }

  private static ByteString oversizedHeader() {
    return ByteString.fromString(
        "HTTP/1.1 200 OK\r\nX-Oversized: "
            + "x".repeat(OVERSIZED_HEADER)
            + "\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
  }

  private static Source<ByteString, ?> trickle() {
    return Source.single(ByteString.fromString("HTTP/1.1 200 OK\r\n"))
        .concat(
            Source.tick(INTERVAL, INTERVAL, NotUsed.getInstance())
                .zipWithIndex()
                .map(
                    tick -> ByteString.fromString("X-Trickle-" + (tick.second() + 1) + ": x\r\n")));
  }

  private static Source<ByteString, ?> slowBody() {
    ByteString oneByte = ByteString.fromString("x");
    return Source.single(
            ByteString.fromString(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: "
                    + SLOW_BODY
                    + "\r\nConnection: close\r\n\r\n"))
        .concat(Source.tick(INTERVAL, INTERVAL, oneByte).take(SLOW_BODY));
  }

  private static ByteString notFound(String path) {
    byte[] body = ("no hostile behaviour at '" + path + "'\n").getBytes(StandardCharsets.UTF_8);
    return ByteString.fromString(
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
        .concat(ByteString.fromArray(body));
  }
}

package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hostile peer beside the embedded server, checked with plain sockets: what it sends is not
 * something an HTTP client would hand over.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestServerHostilePeerTest {
  private static final long WAIT_SECONDS = 10;
  // Bounds every socket read: the peer's slowest pace is one line or byte per 200 ms.
  private static final int READ_TIMEOUT_MS = 5_000;
  // Lines a trickle connection may still deliver after stop() before the test calls it open.
  private static final int LINES_AFTER_STOP = 20;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server =
        TestServer.start(testKit.system())
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** A connection to a hostile peer that has sent one request for {@code path}. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Connection(HostileServer peer, String path) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), peer.port());
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in = new BufferedInputStream(socket.getInputStream());
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + peer.port()
              + "\r\nUser-Agent: hostile-test\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    /** The next line without its CRLF, or null at the end of the stream. */
    String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
        }
        line.write(b);
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The header block's lines, up to (not including) the blank line. */
    List<String> readHead() throws IOException {
      List<String> head = new ArrayList<>();
      for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
        head.add(line);
      }
      return head;
    }

    /** Everything up to the end of the stream (the peer closes after these answers). */
    byte[] readToEnd() throws IOException {
      return in.readAllBytes();
    }

    int read() throws IOException {
      return in.read();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void garbageAnswersWithSomethingThatIsNotHttpAndCloses() throws Exception {
    try (Connection connection = new Connection(server.hostile(), "/garbage")) {
      String answer = new String(connection.readToEnd(), StandardCharsets.ISO_8859_1);
      assertFalse(answer.startsWith("HTTP/"), answer);
      assertTrue(answer.startsWith("SSH-2.0-"), answer);
    }
  }

  @Test
  void oversizedHeaderSendsOneHeaderOfTwoHundredKilobytes() throws Exception {
    try (Connection connection = new Connection(server.hostile(), "/oversized-header")) {
      List<String> head = connection.readHead();
      assertEquals("HTTP/1.1 200 OK", head.get(0));
      String big =
          head.stream().filter(line -> line.startsWith("X-Oversized: ")).findFirst().orElseThrow();
      assertTrue(big.length() >= 200 * 1024, "header of " + big.length() + " characters");
      assertEquals("ok\n", new String(connection.readToEnd(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void trickleKeepsSendingHeaderLinesWithoutEndingTheHeaderBlock() throws Exception {
    try (Connection connection = new Connection(server.hostile(), "/trickle")) {
      assertEquals("HTTP/1.1 200 OK", connection.readLine());
      for (int n = 1; n <= 3; n++) {
        String line = connection.readLine();
        assertEquals(
            "X-Trickle-" + n + ": x", line, "line " + n + " of a header block that never ends");
      }
    }
  }

  @Test
  void slowBodyPromisesAMillionBytesAndSendsThemOneByOne() throws Exception {
    try (Connection connection = new Connection(server.hostile(), "/slow-body")) {
      List<String> head = connection.readHead();
      assertEquals("HTTP/1.1 200 OK", head.get(0));
      assertTrue(head.contains("Content-Length: 1000000"), head.toString());
      for (int i = 0; i < 3; i++) {
        assertEquals('x', connection.read());
      }
    }
  }

  @Test
  void otherPathsGetAValidNotFound() throws Exception {
    try (Connection connection = new Connection(server.hostile(), "/elsewhere?x=1")) {
      List<String> head = connection.readHead();
      assertEquals("HTTP/1.1 404 Not Found", head.get(0));
      String body = new String(connection.readToEnd(), StandardCharsets.UTF_8);
      assertTrue(
          head.contains("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length),
          head.toString());
      assertTrue(body.contains("/elsewhere"), body);
    }
    assertEquals(
        "http://127.0.0.1:" + server.hostile().port() + "/trickle",
        server.hostile().url("/trickle"));
    assertNotEquals(server.port(), server.hostile().port());
  }

  @Test
  void stopClosesAnOpenTrickleConnectionAndUnbinds() throws Exception {
    HostileServer peer =
        HostileServer.start(testKit.system())
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    try (Connection connection = new Connection(peer, "/trickle")) {
      assertEquals("HTTP/1.1 200 OK", connection.readLine());
      assertEquals("X-Trickle-1: x", connection.readLine());
      peer.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertConnectionEnds(connection);
    }
    peer.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThrows(
        ConnectException.class,
        () -> new Connection(peer, "/trickle").close(),
        "no longer listening");
  }

  @Test
  void stoppingTheTestServerStopsItsHostilePeerToo() throws Exception {
    TestServer another =
        TestServer.start(testKit.system())
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    try (Connection connection = new Connection(another.hostile(), "/trickle")) {
      assertEquals("HTTP/1.1 200 OK", connection.readLine());
      another
          .stop(Duration.ofMillis(200))
          .toCompletableFuture()
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertConnectionEnds(connection);
    }
  }

  /** The peer closed: a read gives the end of the stream or fails, after at most a few lines. */
  private static void assertConnectionEnds(Connection connection) {
    try {
      for (int lines = 0; lines <= LINES_AFTER_STOP; lines++) {
        if (connection.readLine() == null) {
          return;
        }
      }
      fail("the connection still delivers lines after stop");
    } catch (IOException closed) {
      // A reset or a read timeout; a timeout means the peer neither closed nor sent anything.
      assertFalse(
          closed instanceof SocketTimeoutException, "the connection stayed open: " + closed);
    }
  }
}

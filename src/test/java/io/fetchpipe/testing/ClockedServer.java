package io.fetchpipe.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A bare HTTP/1.1 server on 127.0.0.1 (a free port) that answers every request {@code 200 ok} and
 * notes when each arrived, for tests of rates as a server sees them. It runs on plain threads
 * blocked on their sockets, one per connection, and notes a request as its request line is read:
 * the nearest the test's JVM can come to the moment the request reached the machine, with no
 * dispatcher or stream stage between (which a busy test JVM may hold up for a while and then run
 * several requests at once, as if they had come together).
 */
public final class ClockedServer implements AutoCloseable {
  private static final byte[] OK =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final Thread acceptor;
  private final ConcurrentLinkedQueue<PoliteServer.Arrival> arrivals =
      new ConcurrentLinkedQueue<>();
  private final List<Socket> connections = new ArrayList<>(); // guarded by itself

  private ClockedServer(ServerSocket listener) {
    this.listener = listener;
    this.acceptor = new Thread(this::accept, "clocked-server-" + listener.getLocalPort());
    acceptor.setDaemon(true);
  }

  /** Starts a server at a free port of 127.0.0.1. */
  public static ClockedServer start() throws IOException {
    ClockedServer server =
        new ClockedServer(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
    server.acceptor.start();
    return server;
  }

  /** The URL of {@code path} here. */
  public String url(String path) {
    return "http://127.0.0.1:" + listener.getLocalPort() + path;
  }

  /** Every request so far, in the order of arrival (status 200, host as sent). */
  public List<PoliteServer.Arrival> arrivals() {
    List<PoliteServer.Arrival> sorted = new ArrayList<>(arrivals);
    sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    return sorted;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        synchronized (connections) {
          connections.add(socket);
        }
        Thread serving = new Thread(() -> serve(socket), "clocked-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Answers the requests of one connection, one after the other, until the client closes it. */
  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream()) {
      String requestLine;
      while ((requestLine = in.readLine()) != null) {
        if (requestLine.isEmpty()) {
          continue;
        }
        long nanos = System.nanoTime();
        String host = "";
        for (String header = in.readLine();
            header != null && !header.isEmpty();
            header = in.readLine()) {
          if (header.regionMatches(true, 0, "Host:", 0, 5)) {
            host = header.substring(5).trim();
          }
        }
        String[] parts = requestLine.split(" ");
        arrivals.add(new PoliteServer.Arrival(host, parts.length > 1 ? parts[1] : "", nanos, 200));
        out.write(OK);
        out.flush();
      }
    } catch (IOException gone) {
      // the client closed the connection, or the server is closing
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (connections) {
      for (Socket socket : connections) {
        socket.close();
      }
    }
  }
}

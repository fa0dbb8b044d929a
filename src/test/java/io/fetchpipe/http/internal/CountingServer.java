package io.fetchpipe.http.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 for the connection layer's tests: it sees each connection the
 * client opens, counts the requests on it and notices when the client closes it, keeps connections
 * alive, and misbehaves on request. One thread accepts, one thread per connection reads; {@link
 * #close()} ends them all. Paths:
 *
 * <ul>
 *   <li>{@code /ok}: {@code 200}, body {@code ok}, the connection kept open;
 *   <li>{@code /close}: {@code 200} with {@code Connection: close}, then the server closes it;
 *   <li>{@code /hold}: {@code 200} once the test {@link #release releases} it;
 *   <li>{@code /hang}: no answer ever;
 *   <li>{@code /die-mid-body}: headers for 100 000 bytes, 10 of them, then the server closes;
 *   <li>{@code /stall-mid-body}: headers for 100 000 bytes, 10 of them, then nothing more.
 * </ul>
 *
 * Waiting for what the server sees goes through {@link #await}: bounded, woken by every change.
 */
final class CountingServer implements AutoCloseable {
  private static final Duration AWAIT = Duration.ofSeconds(20);

  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Peer> peers = new ArrayList<>(); // guarded by this
  private int released; // guarded by this
  private boolean closed; // guarded by this

  /** One connection as the server sees it. */
  final class Peer {
    final Socket socket;
    final List<String> paths = new ArrayList<>(); // guarded by the server
    boolean answering; // guarded by the server: a request read and not yet answered
    boolean ended; // guarded by the server: the client closed it, or the server did

    Peer(Socket socket) {
      this.socket = socket;
    }
  }

  private CountingServer() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "counting-server-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static CountingServer start() throws IOException {
    return new CountingServer();
  }

  int port() {
    return listener.getLocalPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  TargetUrl target(String path) {
    return TargetUrl.parse(url(path));
  }

  /** Connections accepted so far. */
  synchronized int accepted() {
    return peers.size();
  }

  /** Connections open now (neither side has closed them). */
  synchronized int open() {
    return (int) peers.stream().filter(peer -> !peer.ended).count();
  }

  /** Requests waiting at {@code /hold} or {@code /hang}. */
  synchronized int answering() {
    return (int) peers.stream().filter(peer -> peer.answering).count();
  }

  /** The paths requested on the n-th connection accepted (0-based). */
  synchronized List<String> paths(int connection) {
    return List.copyOf(peers.get(connection).paths);
  }

  /** Answers {@code count} more requests held at {@code /hold}. */
  synchronized void release(int count) {
    released += count;
    notifyAll();
  }

  /** Closes, from the server's side, every connection not in the middle of a request. */
  void closeIdleConnections() throws IOException {
    List<Socket> idle = new ArrayList<>();
    synchronized (this) {
      for (Peer peer : peers) {
        if (!peer.ended && !peer.answering) {
          idle.add(peer.socket);
        }
      }
    }
    for (Socket socket : idle) {
      socket.close();
    }
  }

  /**
   * Waits until {@code condition} (read under the server's lock) holds; fails after a generous
   * bound, saying {@code what}.
   */
  synchronized void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "the server did not see "
                + what
                + " within "
                + AWAIT.toSeconds()
                + " s; it saw "
                + peers.size()
                + " connections, "
                + open()
                + " open");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Peer peer = new Peer(socket);
      synchronized (this) {
        if (closed) {
          closeQuietly(socket);
          return;
        }
        peers.add(peer);
        notifyAll();
      }
      Thread reader = new Thread(() -> serve(peer), "counting-server-peer");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private void serve(Peer peer) {
    try (Socket socket = peer.socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String path;
      while ((path = readRequest(in)) != null) {
        synchronized (this) {
          peer.paths.add(path);
          peer.answering = true;
          notifyAll();
        }
        if (!answer(path, peer, out)) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the connection ended
    } finally {
      synchronized (this) {
        peer.ended = true;
        peer.answering = false;
        notifyAll();
      }
    }
  }

  /** Answers one request; false when the connection is to end. */
  private boolean answer(String path, Peer peer, OutputStream out)
      throws IOException, InterruptedException {
    switch (path) {
      case "/ok" -> respond(peer, out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      case "/close" -> {
        respond(peer, out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        return false;
      }
      case "/hold" -> {
        synchronized (this) {
          while (released == 0 && !closed) {
            wait();
          }
          if (closed) {
            return false;
          }
          released--;
        }
        respond(peer, out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
      case "/hang" -> {
        waitForTheEnd(peer);
        return false;
      }
      case "/die-mid-body" -> {
        write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789");
        return false;
      }
      case "/stall-mid-body" -> {
        write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789");
        waitForTheEnd(peer);
        return false;
      }
      default -> respond(peer, out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
    return true;
  }

  /** Reads on until the client closes the connection (or the server stops). */
  private static void waitForTheEnd(Peer peer) throws IOException {
    InputStream in = peer.socket.getInputStream();
    byte[] buffer = new byte[1024];
    while (in.read(buffer) >= 0) {
      // whatever comes is not answered
    }
  }

  /**
   * Writes a whole response, the request counted as answered first: once the client has the
   * response, the connection is idle as the server sees it.
   */
  private void respond(Peer peer, OutputStream out, String response) throws IOException {
    synchronized (this) {
      peer.answering = false;
      notifyAll();
    }
    write(out, response);
  }

  private static void write(OutputStream out, String response) throws IOException {
    out.write(response.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * A request's path, its head read (bodies are not expected); null at the end of the connection.
   */
  private static String readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null) {
      return null;
    }
    String line;
    do {
      line = readLine(in);
    } while (line != null && !line.isEmpty());
    String[] parts = requestLine.split(" ");
    return parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : requestLine;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return null;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    List<Socket> sockets = new ArrayList<>();
    synchronized (this) {
      closed = true;
      peers.forEach(peer -> sockets.add(peer.socket));
      notifyAll();
    }
    listener.close();
    sockets.forEach(CountingServer::closeQuietly);
  }
}

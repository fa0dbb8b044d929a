package io.fetchpipe.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small proxy on 127.0.0.1 for tests, speaking what fetchpipe's client speaks to proxies: HTTP
 * {@code CONNECT} tunnels, absolute-form HTTP requests (one per connection: it asks the origin to
 * close after the response, so it sees and counts every request) and SOCKS5 (with RFC 1929 user and
 * password). It records every request it saw, with its {@code Proxy-Authorization}, can require
 * credentials (407, or SOCKS5's refusal) and refuse tunnels with a status. It only ever connects to
 * loopback: a target elsewhere gets 502 (or SOCKS5's "not allowed").
 */
public final class TestProxy implements AutoCloseable {
  /**
   * One request the proxy saw: {@code CONNECT host:port}, {@code GET http://...}, or {@code SOCKS5
   * host:port}.
   */
  public record Seen(String method, String target, String proxyAuthorization) {}

  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "test-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final String user;
  private final String password;
  private final int refuseTunnelsWith;

  private TestProxy(String user, String password, int refuseTunnelsWith) throws IOException {
    this.user = user;
    this.password = password;
    this.refuseTunnelsWith = refuseTunnelsWith;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** A proxy that lets everyone through. */
  public static TestProxy start() throws IOException {
    return new TestProxy(null, null, 0);
  }

  /** A proxy that wants these credentials (407 without them). */
  public static TestProxy requiringCredentials(String user, String password) throws IOException {
    return new TestProxy(user, password, 0);
  }

  /** A proxy that answers every {@code CONNECT} with {@code status}. */
  public static TestProxy refusingTunnels(int status) throws IOException {
    return new TestProxy(null, null, status);
  }

  /** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
  public static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The proxy's port. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Everything the proxy was asked, in order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** How many requests used {@code method} ({@code CONNECT}, {@code GET}, {@code SOCKS5}...). */
  public long count(String method) {
    return seen.stream().filter(s -> s.method().equals(method)).count();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = new BufferedInputStream(client.getInputStream());
      in.mark(1);
      int first = in.read();
      in.reset();
      if (first == 5) {
        socks(client, in);
      } else if (first >= 0) {
        http(client, in);
      }
    } catch (IOException e) {
      // the client or the origin went away: nothing to report
    } finally {
      close(client);
    }
  }

  private void http(Socket client, InputStream in) throws IOException {
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    String method = requestLine[0];
    String target = requestLine[1];
    String authorization = headers.get("proxy-authorization");
    seen.add(new Seen(method, target, authorization));
    OutputStream out = client.getOutputStream();
    if (user != null && !("Basic " + basic(user, password)).equals(authorization)) {
      answer(
          out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test\"\r\n");
      return;
    }
    if (method.equals("CONNECT")) {
      if (refuseTunnelsWith != 0) {
        answer(out, refuseTunnelsWith + " Refused", "");
        return;
      }
      int colon = target.lastIndexOf(':');
      Socket origin =
          connect(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
      if (origin == null) {
        answer(out, "502 Bad Gateway", "");
        return;
      }
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      relay(client, in, origin);
      return;
    }
    URI uri = URI.create(target);
    Socket origin =
        uri.getScheme() == null
            ? null
            : connect(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    if (origin == null) {
      answer(out, "502 Bad Gateway", "");
      return;
    }
    StringBuilder forwarded =
        new StringBuilder(
            method
                + " "
                + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + " "
                + requestLine[2]
                + "\r\n");
    for (int i = 1; i < lines.length; i++) {
      String name =
          lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).trim().toLowerCase(Locale.ROOT);
      if (!name.equals("proxy-authorization")
          && !name.equals("proxy-connection")
          && !name.equals("connection")) {
        forwarded.append(lines[i]).append("\r\n");
      }
    }
    forwarded.append("Connection: close\r\n\r\n");
    origin.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
    relay(client, in, origin);
  }

  private void socks(Socket client, InputStream in) throws IOException {
    OutputStream out = client.getOutputStream();
    in.read(); // version 5
    byte[] methods = in.readNBytes(in.read());
    boolean offersPassword = false;
    boolean offersNone = false;
    for (byte m : methods) {
      offersPassword |= m == 2;
      offersNone |= m == 0;
    }
    String authorization = null;
    if (user != null) {
      if (!offersPassword) {
        out.write(new byte[] {5, (byte) 0xff});
        seen.add(new Seen("SOCKS5", "?", null));
        return;
      }
      out.write(new byte[] {5, 2});
      in.read(); // subnegotiation version 1
      String name = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      String secret = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      authorization = name + ":" + secret;
      boolean ok = name.equals(user) && secret.equals(password);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      if (!ok) {
        seen.add(new Seen("SOCKS5", "?", authorization));
        return;
      }
    } else if (offersNone) {
      out.write(new byte[] {5, 0});
    } else {
      out.write(new byte[] {5, (byte) 0xff});
      return;
    }
    byte[] request = in.readNBytes(4); // 5, CONNECT, 0, address type
    String host =
        switch (request[3]) {
          case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
          case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
          default -> new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII);
        };
    byte[] port = in.readNBytes(2);
    int portNumber = ((port[0] & 0xff) << 8) | (port[1] & 0xff);
    seen.add(new Seen("SOCKS5", host + ":" + portNumber, authorization));
    Socket origin = connect(host, portNumber);
    if (origin == null) {
      out.write(new byte[] {5, 2, 0, 1, 0, 0, 0, 0, 0, 0}); // not allowed by ruleset
      return;
    }
    out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, port[0], port[1]});
    out.flush();
    relay(client, in, origin);
  }

  /** A connection to a loopback target, or null for any other (or one that refuses). */
  private Socket connect(String host, int port) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    boolean loopback =
        bare.equals("localhost")
            || bare.startsWith("127.")
            || bare.equals("::1")
            || bare.equals("0:0:0:0:0:0:0:1");
    if (!loopback) {
      return null;
    }
    try {
      Socket origin = new Socket();
      open.add(origin);
      origin.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      return origin;
    } catch (IOException e) {
      return null;
    }
  }

  /** Copies both ways until both ends are done; the client's bytes already read go first. */
  private void relay(Socket client, InputStream clientIn, Socket origin) throws IOException {
    var upstream = threads.submit(() -> copy(clientIn, origin.getOutputStream(), origin));
    copy(origin.getInputStream(), client.getOutputStream(), client);
    close(origin);
    upstream.cancel(true);
  }

  private static Void copy(InputStream in, OutputStream out, Socket to) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // one side closed: the other copy ends with it
    }
    return null;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() > 64 * 1024) {
        throw new IOException("no request head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void answer(OutputStream out, String status, String headers) throws IOException {
    out.write(
        ("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** {@code user:password} in Base64, as Basic credentials carry it. */
  public static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Stops listening and closes every connection; its threads end with them. */
  @Override
  public void close() throws IOException {
    server.close();
    new ArrayList<>(open).forEach(this::close);
    threads.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

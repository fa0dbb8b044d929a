package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Durations;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.core.internal.ExternalWork;
import io.fetchpipe.core.internal.HostPolicy;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ReadAs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpProtocols;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntityAcceptances;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.stream.Materializer;

/**
 * Fetches one request per call with Pekko HTTP's client, on a connection to the host from the
 * fetcher's {@link ConnectionLayer}, and reads the body the way the request (or the fetcher) says.
 * Every response entity is read or discarded, whatever happens. A connection goes back for reuse
 * only when its response was read to the end and the server keeps it open; one whose exchange was
 * abandoned (the attempt timed out or was cancelled mid-way, the body failed) is closed. The
 * attempt's one timer is its job's timeout: when it fires (or the job is cancelled) the body stream
 * is aborted and the connection closed; redirect hops run inside the same attempt and the same
 * timeout. A request that fails on a kept-alive connection before any response (the server closed
 * it while it was idle) is sent once more on a new connection, when its method is idempotent.
 *
 * <p>Connect, timeout and io errors and the retryable statuses fail with a {@link
 * RetryableFailure}, so the pool retries them within its retry budget. Each attempt passes its
 * host's circuit breaker first, and settles its ticket before its outcome is reported.
 */
@InternalApi
public final class HttpFetchHandler
    implements JobHandler<FetchRequest, FetchResponse>, HostPolicy.Source {
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final FetchSettings settings;
  private final ConnectionLayer connections;
  private final SendGate gate;
  private final HostBreakers breakers;
  private final BodyReader bodies;
  private final Materializer materializer;
  // Callbacks on Pekko's stages run here: without an explicit executor they would run on the
  // JDK's default async executor, which on a two-core machine starts a thread per callback.
  private final Executor executor;
  private final HttpHeader userAgent;
  // In virtual time, an attempt is work outside the actor system until it ends: its answer comes
  // from the network. Otherwise nothing is counted.
  private final ExternalWork external;

  /**
   * A handler fetching on {@code connections}, on {@code materializer}, continuing on {@code
   * executor}; each attempt's request passes {@code gate} once its connection is ready, right
   * before it is written, and {@code external} hears of every attempt on the wire.
   */
  public HttpFetchHandler(
      FetchSettings settings,
      ConnectionLayer connections,
      HostBreakers breakers,
      SendGate gate,
      Materializer materializer,
      Executor executor,
      ExternalWork external) {
    this.settings = settings;
    this.external = external;
    this.connections = connections;
    this.gate = gate;
    this.breakers = breakers;
    this.materializer = materializer;
    this.executor = executor;
    this.bodies = new BodyReader(materializer, executor, settings.maxBody(), settings.sha256());
    // Sent by the connections themselves when Pekko can model it (see userAgentOfConnections).
    this.userAgent =
        userAgentOfConnections(settings).isPresent()
            ? null
            : HttpHeader.parse("User-Agent", settings.userAgent());
  }

  /**
   * The fetcher's User-Agent for its connections to send with every request that has none of its
   * own, when Pekko reads the configured value as a User-Agent; otherwise each request carries it
   * as a raw header. Set on the connections, it costs a request nothing.
   */
  static Optional<UserAgent> userAgentOfConnections(FetchSettings settings) {
    return HttpHeader.parse("User-Agent", settings.userAgent()) instanceof UserAgent modeled
        ? Optional.of(modeled)
        : Optional.empty();
  }

  @Override
  public Object limitKey(FetchRequest request) {
    return TargetUrl.hostKeyOrNull(request.url());
  }

  /**
   * Hosts are the keys; what responses say about their servers, and robots.txt, is read as well.
   */
  @Override
  public HostPolicy hostPolicy() {
    return new HttpHostPolicy(settings);
  }

  /**
   * Hands the attempt to the executor and returns: the caller is the pool's actor that starts jobs,
   * and the attempt's own work (reading the URL, building the request, opening a host's pool,
   * handing the request to it) would otherwise run inside it, one request after another (on one
   * thread when the pool runs on {@code fetchpipe.dispatcher}). So per request only the router's
   * start decision is serialized; the rest runs on as many threads as the executor has.
   */
  @Override
  public CompletionStage<FetchResponse> handle(FetchRequest request, TaskContext context) {
    return CompletableFuture.supplyAsync(() -> start(request, context), executor)
        .thenCompose(started -> started);
  }

  private CompletionStage<FetchResponse> start(FetchRequest request, TaskContext context) {
    TargetUrl target;
    HttpRequest http;
    try {
      target = TargetUrl.parse(request.url());
      http = build(request, target);
    } catch (FetchFailure invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    HostBreakers.Ticket ticket = breakers.admit(target.hostKey());
    if (ticket == null) {
      return CompletableFuture.failedFuture(
          new FetchFailure(
              FetchErrorKind.CIRCUIT_OPEN,
              "circuit open for "
                  + target.hostKey()
                  + "; next trial within "
                  + Durations.format(breakers.resetTimeout()),
              context.attempt() - 1));
    }
    ReadAs readAs = request.readAs() != null ? request.readAs() : settings.readAs();
    Attempt attempt = new Attempt(context, readAs, ticket, HttpHostPolicy.isProbe(request));
    context.onCancel(attempt::cancelled);
    if (external != ExternalWork.NONE) {
      Runnable ended = external.begin();
      attempt.result.whenComplete((response, error) -> ended.run());
      context.onCancel(ended);
    }
    send(attempt, target, http, 0, false);
    return attempt.result;
  }

  @Override
  public Throwable timedOut(FetchRequest request, TaskContext context, Duration after) {
    return RetryableFailure.withBackoff(
        new FetchFailure(
            ErrorKind.TIMEOUT, "timed out after " + Durations.format(after), context.attempt()));
  }

  private HttpRequest build(FetchRequest request, TargetUrl target) {
    ContentType contentType = ContentTypes.APPLICATION_OCTET_STREAM;
    List<HttpHeader> headers = new ArrayList<>(request.headers().size() + 2);
    for (Header header : request.headers()) {
      if (header.is("Content-Type")) {
        contentType = contentType(header.value());
      } else if (!header.is("Content-Length")) {
        headers.add(HttpHeader.parse(header.name(), header.value()));
      }
    }
    if (userAgent != null && request.header("User-Agent") == null) {
      headers.add(userAgent);
    }
    if (settings.compressed() && request.header("Accept-Encoding") == null) {
      headers.add(RawHeader.create("Accept-Encoding", "gzip, deflate"));
    }
    if (target.userInfo() != null && request.header("Authorization") == null) {
      int colon = target.userInfo().indexOf(':');
      headers.add(
          colon < 0
              ? Authorization.basic(target.userInfo(), "")
              : Authorization.basic(
                  target.userInfo().substring(0, colon), target.userInfo().substring(colon + 1)));
    }
    HttpRequest http = HttpRequest.create(target.pathAndQuery());
    if (!request.method().equals("GET")) {
      http = http.withMethod(method(request.method()));
    }
    if (!headers.isEmpty()) {
      http = http.addHeaders(headers);
    }
    return request.body() == null
        ? http
        : http.withEntity(HttpEntities.create(contentType, request.body()));
  }

  private static HttpMethod method(String name) {
    return HttpMethods.lookup(name)
        .orElseGet(() -> HttpMethods.custom(name, false, false, RequestEntityAcceptances.Expected));
  }

  private static ContentType contentType(String value) {
    try {
      return ContentTypes.parse(value);
    } catch (RuntimeException e) {
      throw new FetchFailure(
          FetchErrorKind.INVALID_REQUEST, "invalid Content-Type '" + value + "'", 0);
    }
  }

  /**
   * One hop: a connection to the target's host, the gate, the request, the response. {@code fresh}:
   * on a new connection, not a kept-alive one (the retry of a request a kept-alive one lost).
   */
  private void send(Attempt attempt, TargetUrl target, HttpRequest http, int hops, boolean fresh) {
    connections
        .acquire(target, fresh)
        .whenComplete(
            (connection, error) -> {
              if (error != null) {
                attempt.fail(ClientErrors.classify(error, attempt.number, settings.maxBody()));
                return;
              }
              Exchange exchange = attempt.begin(connection);
              if (exchange == null) {
                return; // the attempt ended while the connection was being made; it went back
                // unused
              }
              if (hops > 0 || fresh) {
                // A redirect hop is no new attempt, and a request sent again on a new connection
                // has
                // passed the gate already: neither counts against the rates again.
                write(attempt, exchange, target, http, hops, fresh);
                return;
              }
              // Connection ready, request not yet written: the gate's point (see SendGate), so the
              // time
              // a connection takes to open never bunches requests up at the server.
              gate.acquire(target.hostKey())
                  .whenComplete(
                      (pass, closed) -> {
                        if (closed != null) {
                          exchange.finish(true);
                          attempt.fail(
                              ClientErrors.classify(closed, attempt.number, settings.maxBody()));
                          return;
                        }
                        attempt.pass = pass;
                        if (attempt.isOver()) {
                          pass.answered(); // timed out or cancelled while waiting; the connection
                          // goes back unused
                          exchange.finish(true);
                        } else {
                          write(attempt, exchange, target, http, hops, fresh);
                        }
                      });
            });
  }

  private void write(
      Attempt attempt,
      Exchange exchange,
      TargetUrl target,
      HttpRequest http,
      int hops,
      boolean fresh) {
    exchange
        .send(http)
        .whenCompleteAsync(
            (response, failed) ->
                onSent(attempt, exchange, target, http, hops, fresh, response, failed),
            executor);
  }

  private void onSent(
      Attempt attempt,
      Exchange exchange,
      TargetUrl target,
      HttpRequest http,
      int hops,
      boolean fresh,
      HttpResponse response,
      Throwable error) {
    if (error == null) {
      attempt.answered();
      onResponse(attempt, exchange, target, http, hops, response);
      return;
    }
    exchange.finish(false);
    if (!fresh
        && exchange.connection.reused()
        && !attempt.isOver()
        && http.method().isIdempotent()) {
      send(attempt, target, http, hops, true); // a kept-alive connection the server had closed
    } else {
      attempt.answered();
      attempt.fail(ClientErrors.classify(error, attempt.number, settings.maxBody()));
    }
  }

  private void onResponse(
      Attempt attempt,
      Exchange exchange,
      TargetUrl target,
      HttpRequest sent,
      int hops,
      HttpResponse response) {
    if (attempt.isOver()) {
      discard(response, exchange); // late: the attempt timed out or was cancelled
      return;
    }
    int status = response.status().intValue();
    if (settings.maxRedirects() > 0 && REDIRECTS.contains(status)) {
      discard(response, exchange);
      followRedirect(attempt, target, sent, hops, response);
      return;
    }
    Instant arrived = Instant.now();
    if (gate.listens()) {
      gate.heard(
          target.hostKey(),
          HttpHostPolicy.feedback(status, new ReceivedHeaders(response), arrived));
    }
    CompletionStage<BodyReader.Read> reading;
    try {
      reading =
          attempt.probe
              ? bodies.readPrefix(decoded(response).entity(), RobotsTxt.MAX_BYTES, attempt.abort)
              : bodies.read(decoded(response).entity(), attempt.readAs, attempt.abort);
    } catch (RuntimeException e) {
      discard(response, exchange);
      attempt.fail(ClientErrors.classify(e, attempt.number, settings.maxBody()));
      return;
    }
    reading.whenCompleteAsync(
        (read, error) -> {
          exchange.finish(error == null && keepsAlive(response));
          if (error != null) {
            attempt.fail(ClientErrors.classify(error, attempt.number, settings.maxBody()));
          } else {
            finish(attempt, target, hops, response, read, arrived);
          }
        },
        executor);
  }

  /**
   * Whether the server keeps the connection open after this response (HTTP/1.1 unless it says
   * close).
   */
  private static boolean keepsAlive(HttpResponse response) {
    Optional<Connection> connection = response.getHeader(Connection.class);
    boolean http11 = response.protocol().equals(HttpProtocols.HTTP_1_1);
    if (connection.isEmpty()) {
      return http11;
    }
    boolean close = false;
    boolean keepAlive = false;
    for (String token : connection.get().getTokens()) {
      close |= token.equalsIgnoreCase("close");
      keepAlive |= token.equalsIgnoreCase("keep-alive");
    }
    return !close && (http11 || keepAlive);
  }

  /** The response with its body decoded, when compression is on and the body is gzip or deflate. */
  private HttpResponse decoded(HttpResponse response) {
    if (!settings.compressed()) {
      return response;
    }
    return switch (response.encoding().value()) {
      case "gzip", "x-gzip" -> Coder.Gzip.decodeMessage(response);
      case "deflate" -> Coder.Deflate.decodeMessage(response);
      default -> response;
    };
  }

  /** Reads the rest of the body into nothing; the connection stays usable if that ends well. */
  private void discard(HttpResponse response, Exchange exchange) {
    if (response.entity().isStrict()) {
      exchange.finish(keepsAlive(response));
      return;
    }
    response
        .discardEntityBytes(materializer)
        .completionStage()
        .whenComplete((done, error) -> exchange.finish(error == null && keepsAlive(response)));
  }

  private void followRedirect(
      Attempt attempt, TargetUrl from, HttpRequest sent, int hops, HttpResponse response) {
    if (hops >= settings.maxRedirects()) {
      attempt.fail(
          new FetchFailure(
              FetchErrorKind.TOO_MANY_REDIRECTS,
              "more than " + settings.maxRedirects() + " redirects",
              attempt.number));
      return;
    }
    int status = response.status().intValue();
    String location = response.getHeader("Location").map(HttpHeader::value).orElse(null);
    if (location == null) {
      attempt.fail(
          new FetchFailure(
              FetchErrorKind.IO,
              "redirect " + status + " without a Location header",
              attempt.number));
      return;
    }
    TargetUrl next;
    try {
      next = from.resolve(location);
    } catch (FetchFailure invalid) {
      attempt.fail(
          new FetchFailure(
              FetchErrorKind.INVALID_URL,
              "redirect to an invalid URL: " + invalid.getMessage(),
              attempt.number));
      return;
    }
    // As browsers do: 303, and 301/302 after a POST, become a GET without a body.
    boolean toGet =
        status == 303
            || ((status == 301 || status == 302) && sent.method().equals(HttpMethods.POST));
    HttpRequest hop = sent.withUri(Uri.create(next.pathAndQuery()));
    if (toGet) {
      hop = hop.withMethod(HttpMethods.GET).withEntity(HttpEntities.EMPTY);
    }
    send(attempt, next, hop, hops + 1, false);
  }

  private void finish(
      Attempt attempt,
      TargetUrl target,
      int hops,
      HttpResponse response,
      BodyReader.Read read,
      Instant arrived) {
    int status = response.status().intValue();
    FetchResponse result =
        new FetchResponse(
            status,
            new ReceivedHeaders(response),
            contentType(response),
            hops > 0 ? target.href() : null,
            attempt.number,
            read.bytes(),
            read.sha256(),
            read.body());
    if (attempt.probe) {
      // The host's robots.txt: its Crawl-delay spaces the host's requests as they leave, too.
      gate.crawlDelay(target.hostKey(), HttpHostPolicy.rules(result).crawlDelay());
    }
    boolean hostFailed = status >= 500;
    boolean raised = settings.raiseForStatus() && status >= 400;
    FetchFailure statusError =
        raised
            ? new FetchFailure(
                FetchErrorKind.HTTP_STATUS, "status " + status, attempt.number, result, null)
            : null;
    if (settings.retryStatuses().contains(status)) {
      Duration wait = status == 429 || status == 503 ? RetryAfter.of(response, arrived) : null;
      attempt.settle(
          raised
              ? RetryableFailure.failing(statusError, wait)
              : RetryableFailure.succeeding(result, "status " + status, wait),
          hostFailed);
    } else if (raised) {
      attempt.settle(statusError, hostFailed);
    } else {
      attempt.succeed(result, hostFailed);
    }
  }

  private static String contentType(HttpResponse response) {
    ContentType type = response.entity().getContentType();
    return type.equals(ContentTypes.NO_CONTENT_TYPE) ? null : type.toString();
  }

  /**
   * Connect, timeout and io errors may go away on their own: worth a retry, and the host's fault.
   */
  private static boolean transientError(ErrorKind kind) {
    return kind.equals(FetchErrorKind.CONNECT)
        || kind.equals(ErrorKind.TIMEOUT)
        || kind.equals(FetchErrorKind.IO);
  }

  /**
   * One hop's hold on its connection, from acquiring it to giving it back: whoever finishes it
   * first (the exchange, or the attempt's cancellation) decides whether the connection is reused.
   */
  private static final class Exchange {
    private static final int READY = 0;
    private static final int SENT = 1;
    private static final int FINISHED = 2;

    final ConnectionLayer.Connection connection;
    private final AtomicInteger state = new AtomicInteger(READY);

    Exchange(ConnectionLayer.Connection connection) {
      this.connection = connection;
    }

    /**
     * Writes the request, unless the exchange was finished before (the attempt ended at the gate).
     */
    CompletionStage<HttpResponse> send(HttpRequest request) {
      if (!state.compareAndSet(READY, SENT)) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("attempt over before the request was sent"));
      }
      return connection.send(request);
    }

    /**
     * Gives the connection back: reusable when {@code reusable} says so or nothing was sent on it;
     * only the first call counts.
     */
    void finish(boolean reusable) {
      int was = state.getAndSet(FINISHED);
      if (was != FINISHED) {
        connection.release(reusable || was == READY);
      }
    }
  }

  /** One attempt's state, shared by the client's callbacks and the cancellation hook. */
  private static final class Attempt {
    final int number;
    final ReadAs readAs;
    final CompletableFuture<FetchResponse> result = new CompletableFuture<>();
    final BodyReader.Abort abort = new BodyReader.Abort();
    final boolean probe;
    volatile SendGate.Pass pass;
    private final TaskContext context;
    private final HostBreakers.Ticket ticket;
    private volatile Exchange exchange;

    Attempt(TaskContext context, ReadAs readAs, HostBreakers.Ticket ticket, boolean probe) {
      this.number = context.attempt();
      this.context = context;
      this.readAs = readAs;
      this.ticket = ticket;
      this.probe = probe;
    }

    /** The request's answer (or its failure) is in: the gate may let the next out. */
    void answered() {
      SendGate.Pass let = pass;
      if (let != null) {
        let.answered();
      }
    }

    boolean isOver() {
      return result.isDone() || context.isCancelled();
    }

    /**
     * The hop's exchange on {@code connection}, or null (the connection given back) when the
     * attempt is already over.
     */
    Exchange begin(ConnectionLayer.Connection connection) {
      Exchange started = new Exchange(connection);
      exchange = started;
      if (isOver()) { // checked after publishing: cancelled() then sees the exchange or this sees
        // the end
        started.finish(false);
        return null;
      }
      return started;
    }

    void succeed(FetchResponse response, boolean hostFailed) {
      ticket.settle(hostFailed);
      result.complete(response);
    }

    /** Fails with {@code failure}: a transient one is retryable and counts against the host. */
    void fail(FetchFailure failure) {
      boolean transientError = transientError(failure.kind());
      settle(transientError ? RetryableFailure.withBackoff(failure) : failure, transientError);
    }

    void settle(Throwable error, boolean hostFailed) {
      ticket.settle(hostFailed);
      result.completeExceptionally(error);
    }

    /**
     * The job timed out or was cancelled: stop reading, close the connection if a request is under
     * way on it, and tell the breaker whether the host is to blame.
     */
    void cancelled() {
      answered();
      abort.abort();
      Exchange current = exchange;
      if (current != null) {
        current.finish(false);
      }
      ticket.settle(context.cancellation().map(ErrorKind.TIMEOUT::equals).orElse(false));
    }
  }
}

package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * One keep-alive connection of a {@link ConnectionCache}: one materialized Pekko HTTP client
 * connection, fed by a queue, carrying one exchange at a time, request after request, for as long
 * as the server keeps it open and the cache keeps it. Its state ({@link State}, its place among the
 * idle connections) belongs to the cache and changes only under the cache's lock.
 */
@InternalApi
final class CachedConnection implements ConnectionLayer.Connection {
  /** Where a connection is in its life; guarded by the cache's lock. */
  enum State {
    /** Connecting; not yet handed out. */
    OPENING,
    /** Held by one exchange. */
    BUSY,
    /** Kept for the next exchange to its host. */
    IDLE,
    /** Closed, or on its way out. */
    CLOSED
  }

  final ConnectionCache cache;
  final ConnectionCache.Host host;
  private final HttpHeader hostHeader;
  private final NetworkRoute route;
  private final Materializer materializer;
  private BoundedSourceQueue<HttpRequest> requests;
  private UniqueKillSwitch killSwitch;

  /**
   * Completed once the stream has ended and the cache has taken the connection out of its books.
   */
  private final CompletableFuture<Done> closed = new CompletableFuture<>();

  private volatile CompletableFuture<HttpResponse> pending;

  /** The stream has ended: nothing sent now will be answered. */
  private volatile boolean ended;

  private int exchanges; // only the holder touches it

  // Guarded by the cache's lock.
  State state = State.OPENING;

  /** The stream ended while the connection was held: its holder's release closes it. */
  boolean dead;

  /** The cache's sweep count when the connection became idle. */
  long idleSince;

  /** Neighbours in the cache's list of idle connections, oldest first. */
  CachedConnection older;

  CachedConnection newer;

  /** Completed with this connection once it is connected (while {@link State#OPENING}). */
  CompletableFuture<ConnectionLayer.Connection> opening;

  CachedConnection(
      ConnectionCache cache,
      ConnectionCache.Host host,
      TargetUrl target,
      NetworkRoute route,
      Materializer materializer,
      CompletableFuture<ConnectionLayer.Connection> opening) {
    this.cache = cache;
    this.route = route;
    this.host = host;
    this.materializer = materializer;
    this.opening = opening;
    int port = target.port();
    this.hostHeader =
        RawHeader.create(
            "Host",
            port == WebUrl.defaultPort(target.secure() ? "https" : "http")
                ? target.host()
                : target.host() + ":" + port);
  }

  /** The materialized stream: its request queue, its kill switch and its end. */
  void started(BoundedSourceQueue<HttpRequest> requests, UniqueKillSwitch killSwitch) {
    this.requests = requests;
    this.killSwitch = killSwitch;
  }

  /**
   * Completes when the connection's stream has ended (the connection is closed) and the cache no
   * longer counts it.
   */
  CompletionStage<Done> terminated() {
    return closed;
  }

  /**
   * Sends {@code request} as the connection's route needs it (in absolute form to an HTTP proxy).
   */
  @Override
  public CompletionStage<HttpResponse> send(HttpRequest request) {
    return route.send(request, this::offer);
  }

  private CompletionStage<HttpResponse> offer(HttpRequest request) {
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    pending = response;
    exchanges++;
    // Every request names its host itself: the plain-HTTP client layer is built once per
    // fetcher, not per host (ConnectionCache), and a request's own Host header wins in Pekko.
    HttpRequest named =
        request.getHeader("Host").isPresent() ? request : request.addHeader(hostHeader);
    QueueOfferResult offered = requests.offer(named);
    // The stream may have ended just before the request went in (the server closed the
    // connection while it was idle) without seeing it: onTerminated sets `ended` before it looks
    // at `pending`, so one of the two fails the request.
    if (offered != QueueOfferResult.enqueued() || ended) {
      response.completeExceptionally(
          new IllegalStateException("the connection closed before the request was sent"));
    }
    return response;
  }

  @Override
  public boolean reused() {
    return exchanges > 1;
  }

  @Override
  public void release(boolean reusable) {
    cache.release(this, reusable);
  }

  /** A response's head came (on the stream's thread). */
  void onResponse(HttpResponse response) {
    CompletableFuture<HttpResponse> waiting = pending;
    pending = null;
    if (waiting == null || !waiting.complete(response)) {
      response.discardEntityBytes(materializer);
    }
  }

  /** The stream ended: a request still waiting for its response fails with the reason. */
  void onTerminated(Throwable error) {
    ended = true;
    CompletableFuture<HttpResponse> waiting = pending;
    pending = null;
    if (waiting != null) {
      waiting.completeExceptionally(
          error != null
              ? error
              : new IllegalStateException("the server closed the connection before the response"));
    }
    try {
      cache.terminated(this, error);
    } finally {
      closed.complete(Done.getInstance());
    }
  }

  /**
   * Closes the connection the polite way (no request is under way on it): the server sees the end
   * of the requests and closes its side.
   */
  void close() {
    try {
      requests.complete();
    } catch (IllegalStateException ended) {
      // closed already, or failed: nothing more to say to the server
    }
  }

  /**
   * Cuts the connection, whatever is under way on it (a response abandoned mid-body, a close past
   * its grace).
   */
  void abort(String why) {
    killSwitch.abort(new IllegalStateException(why));
  }
}

package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.core.internal.Durations;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * Fetches one URL per call with Pekko HTTP's client, through one shared connection pool per
 * host. The body is counted as it streams and never held; every response entity is consumed or
 * discarded. Each attempt has a timeout from sending to the last body byte (redirect hops
 * included); on timeout or cancellation the body stream is aborted, and the pool's idle timeout
 * (set to the same value) closes a connection whose response never came, so the slot is freed.
 *
 * <p>Connect, timeout and io errors and the retryable statuses fail with a {@link
 * RetryableFailure}, so the pool retries them within its retry budget.
 */
public final class HttpFetchHandler implements JobHandler<FetchRequest, FetchResult> {
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final FetchSettings settings;
  private final ConnectionPoolSettings poolSettings;
  private final HttpsConnectionContext https;
  private final LoggingAdapter log;
  private final UserAgent userAgent;
  private final HostBreakers breakers;
  // Callbacks on Pekko's stages run here: without an explicit executor they would run on the
  // JDK's default async executor, which on a two-core machine starts a thread per callback.
  private final Executor executor;

  /**
   * A handler whose connection pools hold at most {@code connectionsPerHost} connections and
   * queue up to {@code openRequests} requests per host (a power of two).
   */
  public HttpFetchHandler(ActorSystem<?> system, FetchSettings settings, ConnectionPoolSettings poolSettings) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.settings = settings;
    this.poolSettings = poolSettings;
    this.https = http.defaultClientHttpsContext();
    this.log = system.classicSystem().log();
    this.userAgent = UserAgent.create(settings.userAgent());
    this.executor = system.executionContext();
    this.breakers = new HostBreakers(settings.breakerMaxFailures(), settings.breakerResetTimeout());
  }

  @Override
  public Object limitKey(FetchRequest request) {
    return TargetUrl.hostKeyOrNull(request.url());
  }

  @Override
  public CompletionStage<FetchResult> handle(FetchRequest request, TaskContext context) {
    TargetUrl target;
    try {
      target = TargetUrl.parse(request.url());
    } catch (FetchFailure invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return breakers.call(target.hostKey(), context.attempt(), () -> attempt(target, context));
  }

  private CompletionStage<FetchResult> attempt(TargetUrl target, TaskContext context) {
    Attempt attempt = new Attempt(context.attempt());
    Cancellable timer = system.scheduler().scheduleOnce(
        settings.timeout(), attempt::timeOut, system.executionContext());
    attempt.result.whenComplete((value, error) -> timer.cancel());
    context.onCancel(attempt::cancel);
    send(attempt, target, 0);
    return attempt.result;
  }

  private void send(Attempt attempt, TargetUrl target, int hops) {
    // The URI parsed when the URL was checked, not its text: parsing it again per request showed
    // up in profiles. GET is the default method.
    HttpRequest request = HttpRequest.create().withUri(target.uri()).addHeader(userAgent);
    http.singleRequest(request, https, poolSettings, log).whenCompleteAsync((response, error) -> {
      if (error != null) {
        attempt.fail(retryable(FetchErrors.classify(error, attempt.number, settings.maxBody())));
      } else {
        onResponse(attempt, target, hops, response);
      }
    }, executor);
  }

  private void onResponse(Attempt attempt, TargetUrl target, int hops, HttpResponse response) {
    if (attempt.isDone()) {
      response.discardEntityBytes(materializer); // late: the attempt timed out or was cancelled
      return;
    }
    int status = response.status().intValue();
    if (settings.maxRedirects() > 0 && REDIRECTS.contains(status)) {
      response.discardEntityBytes(materializer);
      followRedirect(attempt, target, hops, response);
      return;
    }
    Instant arrived = Instant.now();
    if (response.entity() instanceof HttpEntity.Strict strict) {
      // The whole body came with the headers (small responses): it is in memory already, so
      // counting it needs no stream.
      long bytes = strict.getData().size();
      if (bytes > settings.maxBody()) {
        attempt.fail(new FetchFailure(ErrorKind.TOO_LARGE, "body larger than " + settings.maxBody() + " bytes",
            attempt.number, 0, null));
      } else {
        finish(attempt, target, hops, response, status, bytes, arrived);
      }
      return;
    }
    attempt.readBody(response.entity().withSizeLimit(settings.maxBody()).getDataBytes(), materializer)
        .whenCompleteAsync((bytes, error) -> {
          if (error != null) {
            attempt.fail(retryable(FetchErrors.classify(error, attempt.number, settings.maxBody())));
          } else {
            finish(attempt, target, hops, response, status, bytes, arrived);
          }
        }, executor);
  }

  private void followRedirect(Attempt attempt, TargetUrl from, int hops, HttpResponse response) {
    if (hops >= settings.maxRedirects()) {
      attempt.fail(new FetchFailure(ErrorKind.TOO_MANY_REDIRECTS,
          "more than " + settings.maxRedirects() + " redirects", attempt.number, 0, null));
      return;
    }
    String location = response.getHeader("Location").map(h -> h.value()).orElse(null);
    if (location == null) {
      attempt.fail(new FetchFailure(ErrorKind.IO, "redirect " + response.status().intValue()
          + " without a Location header", attempt.number, 0, null));
      return;
    }
    try {
      send(attempt, from.resolve(location), hops + 1);
    } catch (FetchFailure invalid) {
      attempt.fail(new FetchFailure(ErrorKind.INVALID_URL, "redirect to an invalid URL: " + invalid.getMessage(),
          attempt.number, 0, null));
    }
  }

  private void finish(Attempt attempt, TargetUrl target, int hops, HttpResponse response, int status, long bytes,
      Instant arrived) {
    String finalUrl = hops > 0 ? target.uri().toString() : null;
    FetchResult result = new FetchResult(status, bytes, finalUrl, attempt.number);
    boolean raised = settings.raiseForStatus() && status >= 400;
    FetchFailure statusError = raised
        ? new FetchFailure(ErrorKind.HTTP_STATUS, "status " + status, attempt.number, status, null)
        : null;
    if (settings.retryStatuses().contains(status)) {
      java.time.Duration wait = status == 429 || status == 503 ? RetryAfter.of(response, arrived) : null;
      attempt.fail(raised
          ? RetryableFailure.failing(statusError, wait)
          : RetryableFailure.succeeding(result, "status " + status, wait));
    } else if (raised) {
      attempt.fail(statusError);
    } else {
      attempt.result.complete(result);
    }
  }

  private static Throwable retryable(FetchFailure failure) {
    ErrorKind kind = failure.kind();
    boolean transientError = kind == ErrorKind.CONNECT || kind == ErrorKind.TIMEOUT || kind == ErrorKind.IO;
    return transientError ? RetryableFailure.failing(failure, null) : failure;
  }

  /** One attempt's state, shared by the client's callbacks, the timer and cancellation. */
  private final class Attempt {
    final int number;
    final CompletableFuture<FetchResult> result = new CompletableFuture<>();
    private final BodyCounter body = new BodyCounter();

    Attempt(int number) {
      this.number = number;
    }

    boolean isDone() {
      return result.isDone();
    }

    CompletionStage<Long> readBody(org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> bytes,
        Materializer materializer) {
      return body.count(bytes, materializer, result);
    }

    void fail(Throwable error) {
      result.completeExceptionally(error);
    }

    void timeOut() {
      if (result.completeExceptionally(retryable(new FetchFailure(ErrorKind.TIMEOUT,
          "timed out after " + Durations.format(settings.timeout()), number, 0, null)))) {
        body.abort();
      }
    }

    void cancel() {
      if (result.cancel(false)) {
        body.abort();
      }
    }
  }
}

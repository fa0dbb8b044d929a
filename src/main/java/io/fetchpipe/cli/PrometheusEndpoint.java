package io.fetchpipe.cli;

import io.fetchpipe.metrics.FetchpipeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * fetchpipe's meters of one actor system in a Prometheus registry, served by Pekko HTTP's server at
 * {@code /metrics} (anything else is 404). Each scrape renders the registry as it is then.
 */
final class PrometheusEndpoint implements MetricsEndpoint {
  private static final ContentType TEXT_FORMAT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  private final PrometheusMeterRegistry registry;
  private final FetchpipeMetrics metrics;
  private final ServerBinding binding;

  private PrometheusEndpoint(
      PrometheusMeterRegistry registry, FetchpipeMetrics metrics, ServerBinding binding) {
    this.registry = registry;
    this.metrics = metrics;
    this.binding = binding;
  }

  static PrometheusEndpoint start(
      ActorSystem<?> system, HostPort address, Console console, boolean quiet) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FetchpipeMetrics metrics = FetchpipeMetrics.of(system);
    metrics.bindTo(registry);
    ServerBinding binding;
    try {
      binding =
          Http.get(system)
              .newServerAt(address.host(), address.port())
              .bindSync(request -> answer(registry, request))
              .toCompletableFuture()
              .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      metrics.close();
      registry.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UsageException("cannot serve --metrics at " + address + ": " + cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding --metrics", e);
    }
    if (!quiet) {
      InetSocketAddress bound = binding.localAddress();
      console
          .err()
          .println(
              "fetchpipe: metrics at http://"
                  + new HostPort(address.host(), bound.getPort())
                  + "/metrics");
      console.err().flush();
    }
    return new PrometheusEndpoint(registry, metrics, binding);
  }

  private static HttpResponse answer(PrometheusMeterRegistry registry, HttpRequest request) {
    if (!request.getUri().path().equals("/metrics")) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
    }
    if (!request.method().equals(HttpMethods.GET) && !request.method().equals(HttpMethods.HEAD)) {
      return HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED);
    }
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(TEXT_FORMAT, registry.scrape().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    binding.unbind();
    metrics.close();
    registry.close();
  }
}

package io.fetchpipe.cli;

import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code --metrics HOST:PORT}: while the actor system runs, its fetchpipe meters are served at
 * {@code http://HOST:PORT/metrics} in Prometheus's text format ({@link PrometheusEndpoint}). This
 * class only decides whether to: without the option nothing of Micrometer is loaded.
 */
interface MetricsEndpoint extends AutoCloseable {

  /**
   * Serves {@code system}'s metrics at {@code address}, or nothing when it is null; announced on
   * stderr unless quiet.
   */
  static MetricsEndpoint start(
      ActorSystem<?> system, HostPort address, Console console, boolean quiet) {
    if (address == null) {
      return () -> {};
    }
    return PrometheusEndpoint.start(system, address, console, quiet);
  }

  /** Stops serving. */
  @Override
  void close();
}

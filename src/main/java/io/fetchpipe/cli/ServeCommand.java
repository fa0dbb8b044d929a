package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.http.server.ServerSettings;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.http.server.TlsIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fetchpipe serve}: the embedded test server, until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run the embedded test server (httpbin-compatible routes) until stopped; prints its address.")
final class ServeCommand implements Callable<Integer> {
  @ParentCommand FetchpipeCommand parent;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "interface to bind (default: 127.0.0.1)")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "port to bind; 0 picks a free one (default: 8080)")
  int port = 8080;

  @Option(
      names = "--tls",
      paramLabel = "CERT_OUT",
      description =
          "serve HTTPS with a certificate made now for localhost and 127.0.0.1, written as PEM to CERT_OUT"
              + " for fetch --cacert CERT_OUT (default: plain HTTP)")
  Path tls;

  @Override
  public Integer call() throws InterruptedException {
    verbosity.apply();
    if (port < 0 || port > 65535) {
      throw new UsageException("invalid value for --port: " + port + " (expected 0 to 65535)");
    }
    ServerTls serverTls = tls == null ? null : selfSigned(tls);
    Config loaded = ConfigFactory.load();
    Duration tick = ServerSettings.create(loaded).timerTick();
    // Dead letters here are the writes of connections the fault routes cut on purpose.
    Config config =
        ConfigFactory.parseString(
                "pekko.scheduler.tick-duration = "
                    + tick.toNanos()
                    + "ns\n"
                    + "pekko.log-dead-letters = off")
            .withFallback(loaded);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fetchpipe-serve", config);
    TestServer server;
    try {
      server = TestServer.start(system, host, port, serverTls).toCompletableFuture().get();
    } catch (ExecutionException e) {
      system.terminate();
      throw new UsageException(
          "cannot bind "
              + host
              + ":"
              + port
              + ": "
              + Main.oneLine(String.valueOf(e.getCause().getMessage())));
    }
    parent.console.out().println(server.address());
    parent.console.out().flush();
    // stdout holds the one address scripts read; the raw-TCP peer beside it is told on stderr.
    parent
        .console
        .err()
        .println(
            "hostile peer (/garbage, /oversized-header, /trickle, /slow-body) at "
                + server.hostile().url(""));
    parent.console.err().flush();
    // Runs until SIGINT/SIGTERM; CoordinatedShutdown then unbinds and terminates the system.
    system.getWhenTerminated().toCompletableFuture().join();
    return ExitCodes.OK;
  }

  /**
   * A certificate for localhost and 127.0.0.1, its PEM written to {@code certOut} for clients to
   * trust.
   */
  private static ServerTls selfSigned(Path certOut) {
    TlsIdentity identity = TlsIdentity.selfSigned("localhost", "127.0.0.1");
    try {
      identity.writeCertificatePem(certOut);
    } catch (IOException e) {
      throw new UsageException("cannot write " + certOut + ": " + Inputs.reason(e));
    }
    return ServerTls.of(identity);
  }
}

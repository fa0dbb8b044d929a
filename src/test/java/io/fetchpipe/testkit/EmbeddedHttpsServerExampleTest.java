package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.TlsSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An application testing its TLS set-up offline against the embedded server speaking HTTPS. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedHttpsServerExampleTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  // docs/networks.md: the embedded server over https begins
  @RegisterExtension
  static final EmbeddedServerExtension server = EmbeddedServerExtension.create().https();

  @Test
  void aClientTrustingTheServersCertificateFetches() throws Exception {
    TlsSettings trusting = TlsSettings.defaults().withTrustedCertificatesPem(server.certificatePem());
    FetchSettings settings = FetchSettings.create(testKit.system()).withTls(trusting);
    try (Fetcher fetcher = Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      FetchResponse response = fetcher.fetch(server.url("/get")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(200, response.status());
      assertTrue(server.url("/get").startsWith("https://127.0.0.1:"), server.url("/get"));
    }
  }
  // docs/networks.md: the embedded server over https ends

  @Test
  void aClientTrustingOnlyTheJdksStoreRefusesIt() throws Exception {
    FetchSettings settings = FetchSettings.create(testKit.system()).withTls(TlsSettings.defaults());
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      Outcome<FetchResponse> outcome =
          fetcher
              .fetchAll(List.of(server.url("/get")))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .get(0);
      FetchFailure failure = (FetchFailure) ((Outcome.Failure<FetchResponse>) outcome).cause();
      assertEquals(FetchErrorKind.TLS, failure.kind());
      assertEquals(0, server.stats().requests());
    }
  }
}

package io.fetchpipe.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Counts a response body's bytes as they stream by, holding none of them, and can abort the
 * stream from another thread (timeout, cancellation), which closes the connection's entity.
 */
final class BodyCounter {
  private final AtomicReference<UniqueKillSwitch> killSwitch = new AtomicReference<>();
  private volatile boolean aborted;

  /** Starts counting; aborts at once if {@code owner} is already complete. */
  CompletionStage<Long> count(Source<ByteString, ?> bytes, Materializer materializer, CompletableFuture<?> owner) {
    Pair<UniqueKillSwitch, CompletionStage<Long>> running = bytes
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.fold(0L, (total, chunk) -> total + chunk.size()), Keep.both())
        .run(materializer);
    killSwitch.set(running.first());
    if (aborted || owner.isDone()) {
      running.first().abort(new IllegalStateException("attempt over"));
    }
    return running.second();
  }

  /** Aborts the body stream, now or as soon as it starts. */
  void abort() {
    aborted = true;
    UniqueKillSwitch running = killSwitch.get();
    if (running != null) {
      running.abort(new IllegalStateException("attempt over"));
    }
  }
}

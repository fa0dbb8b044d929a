package io.fetchpipe.stream;

import io.fetchpipe.http.Fetched;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Writes results as JSON lines to an output stream as they come: results are grouped (up to
 * {@code maxLines}, or whatever arrived within {@code maxDelay}), each group is encoded in memory
 * and handed to the stream in one write followed by a flush. So the output only ever receives
 * whole lines, and a crash loses at most the last {@code maxDelay} of results. Writes run on
 * Pekko's blocking-I/O dispatcher.
 */
public final class ResultSink {
  private ResultSink() {}

  /**
   * A sink writing to {@code out} (not closed by the sink) and telling {@code afterWrite} of every
   * result once its line has been flushed.
   */
  public static Sink<Fetched, CompletionStage<Done>> to(
      OutputStream out, int maxLines, Duration maxDelay, Consumer<Fetched> afterWrite) {
    JsonLines format = new JsonLines();
    return Flow.<Fetched>create()
        .groupedWithin(maxLines, maxDelay)
        .toMat(Sink.foreach(group -> write(out, format, group, afterWrite)), Keep.right())
        .withAttributes(ActorAttributes.dispatcher("pekko.actor.default-blocking-io-dispatcher"));
  }

  private static void write(OutputStream out, JsonLines format, List<Fetched> group, Consumer<Fetched> afterWrite) {
    try {
      out.write(format.encode(group));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results: " + e.getMessage(), e);
    }
    group.forEach(afterWrite);
  }
}

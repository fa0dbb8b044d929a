package io.fetchpipe.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Writes results as JSON lines to an output stream as they come: results are grouped (up to
 * {@code maxLines}, or whatever arrived within {@code maxDelay}), each group is encoded in memory
 * and handed to the stream in one write followed by a flush. So the output only ever receives
 * whole lines, and a crash loses at most the last {@code maxDelay} of results. Encoding and
 * writing run on Pekko's blocking-I/O dispatcher, which the groups reach one at a time (grouping
 * there made every result cross between dispatchers on its own: {@code bench/layers.sh} measured
 * a whole fetch at 0.83 of Pekko HTTP alone's rate that way, 1.03 this way). A failed write fails
 * the stream with that error.
 *
 * <p>The sink is a blueprint: each materialization encodes with its own {@link JsonLines}.
 */
public final class ResultSink {
  private ResultSink() {}

  /** Told of every result once its line has been written and flushed. */
  @FunctionalInterface
  public interface Listener {
    /** {@code result}'s line is out; {@code ok} says whether it is an ok line. */
    void written(ResultLine result, boolean ok);
  }

  /**
   * A sink writing to {@code out} (not closed by the sink) in the given format and telling
   * {@code listener} of every result once its line has been flushed.
   */
  public static Sink<ResultLine, CompletionStage<Done>> to(OutputStream out, JsonLines.Options format, int maxLines,
      Duration maxDelay, Listener listener) {
    Sink<List<ResultLine>, CompletionStage<Done>> writer =
        Sink.<List<ResultLine>, CompletionStage<Done>>fromMaterializer((materializer, attributes) -> {
          JsonLines encoder = new JsonLines(format);
          return Sink.foreach(group -> write(out, encoder, group, listener));
        })
        .mapMaterializedValue(done -> done.thenCompose(stage -> stage))
        // One group waits for the writer, no more: lines may carry bodies.
        .withAttributes(ActorAttributes.dispatcher("pekko.actor.default-blocking-io-dispatcher")
            .and(Attributes.inputBuffer(1, 1)));
    // Grouped before the writer's dispatcher: results cross to it a group at a time, not one by one.
    return Flow.<ResultLine>create()
        .groupedWithin(maxLines, maxDelay)
        .toMat(writer, Keep.right());
  }

  private static void write(OutputStream out, JsonLines encoder, List<ResultLine> group, Listener listener) {
    JsonLines.Encoded encoded = encoder.encode(group);
    try {
      out.write(encoded.bytes());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results: " + e.getMessage(), e);
    }
    for (int i = 0; i < group.size(); i++) {
      listener.written(group.get(i), encoded.ok()[i]);
    }
  }
}

package io.fetchpipe.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The end of a batch job: writes results as JSON lines ({@link JsonLines}) to a file or an output
 * stream as they come. Results are grouped in batches (up to {@link Options#batchSize()} lines, or
 * what arrived within {@link Options#batchDelay()} of the first), each batch is encoded in memory
 * and handed to the stream in one write followed by a flush. So the output only ever receives whole
 * lines, and a crash loses at most the last {@code batchDelay} of results. Encoding and writing run
 * on Pekko's blocking-I/O dispatcher, which the batches reach one at a time (grouping there made
 * every result cross between dispatchers on its own: {@code bench/layers.sh} measured a whole fetch
 * at 0.83 of Pekko HTTP alone's rate that way, 1.03 this way). A failed write fails the stream with
 * that error.
 *
 * <pre>{@code
 * UrlLines.fromPath(urls)
 *     .via(FetchLines.flow(fetcher, Order.INPUT, 1024))
 *     .runWith(ResultSink.toPath(results, ResultSink.Options.defaults()), system);
 * }</pre>
 *
 * <p>The sink is a blueprint: each materialization encodes with its own {@link JsonLines}.
 */
public final class ResultSink {
  private static final Listener NO_LISTENER = (result, ok) -> {};

  private ResultSink() {}

  /**
   * How results are written.
   *
   * @param format what the lines hold beyond the fixed fields ({@link JsonLines.Options#PLAIN} by
   *     default)
   * @param batchSize most lines per write (512 by default)
   * @param batchDelay longest a result waits for its batch to fill before it is written anyway (100
   *     ms by default): what a crash may lose at most
   */
  public record Options(JsonLines.Options format, int batchSize, Duration batchDelay) {
    /** The default batch size: lines per write. */
    public static final int DEFAULT_BATCH_SIZE = 512;

    /** The default batch delay. */
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(100);

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(format, "format");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
      }
      Objects.requireNonNull(batchDelay, "batchDelay");
      if (batchDelay.isZero() || batchDelay.isNegative()) {
        throw new IllegalArgumentException("batchDelay must be positive, got " + batchDelay);
      }
    }

    /** The fixed fields only, in batches of 512 lines or 100 ms. */
    public static Options defaults() {
      return new Options(JsonLines.Options.PLAIN, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_DELAY);
    }

    /** A copy with another line format (headers, bodies). */
    public Options withFormat(JsonLines.Options value) {
      return new Options(value, batchSize, batchDelay);
    }

    /** A copy with another batch size. */
    public Options withBatchSize(int value) {
      return new Options(format, value, batchDelay);
    }

    /** A copy with another batch delay. */
    public Options withBatchDelay(Duration value) {
      return new Options(format, batchSize, value);
    }
  }

  /** Told of every result once its line has been written and flushed. */
  @FunctionalInterface
  public interface Listener {
    /** {@code result}'s line is out; {@code ok} says whether it is an ok line. */
    void written(ResultLine result, boolean ok);
  }

  /**
   * A sink writing to {@code file} (created, or truncated), which it opens when it starts and
   * closes when the stream ends; its stage completes once every line is written and the file is
   * closed, or fails with the error that stopped it.
   */
  public static Sink<ResultLine, CompletionStage<Done>> toPath(Path file, Options options) {
    return Sink.<ResultLine, CompletionStage<Done>>fromMaterializer(
            (materializer, attributes) -> {
              OutputStream out;
              try {
                out = Files.newOutputStream(file);
              } catch (IOException e) {
                return Sink.<ResultLine>cancelled()
                    .mapMaterializedValue(
                        notUsed ->
                            CompletableFuture.failedStage(
                                new UncheckedIOException(
                                    "cannot write " + file + ": " + e.getMessage(), e)));
              }
              return to(out, options, NO_LISTENER)
                  .mapMaterializedValue(done -> closedAfter(done, out));
            })
        .mapMaterializedValue(done -> done.thenCompose(stage -> stage));
  }

  /** {@code done}, then the stream closed; a failure to close fails the stage. */
  private static CompletionStage<Done> closedAfter(CompletionStage<Done> done, OutputStream out) {
    return done.handle(
        (result, error) -> {
          try {
            out.close();
          } catch (IOException e) {
            if (error == null) {
              throw new UncheckedIOException("cannot close the results: " + e.getMessage(), e);
            }
          }
          if (error != null) {
            throw error instanceof CompletionException completion
                ? completion
                : new CompletionException(error);
          }
          return result;
        });
  }

  /** A sink writing to {@code out} (not closed by the sink). */
  public static Sink<ResultLine, CompletionStage<Done>> to(OutputStream out, Options options) {
    return to(out, options, NO_LISTENER);
  }

  /**
   * A sink writing to {@code out} (not closed by the sink), telling {@code listener} of every
   * result once its line has been flushed (to count ok and failed lines, or show progress).
   */
  public static Sink<ResultLine, CompletionStage<Done>> to(
      OutputStream out, Options options, Listener listener) {
    return to(out, options.format(), options.batchSize(), options.batchDelay(), listener);
  }

  /**
   * A sink writing to {@code out} (not closed by the sink) in the given format and telling {@code
   * listener} of every result once its line has been flushed.
   *
   * @param maxLines the batch size
   * @param maxDelay the batch delay
   * @deprecated use {@link #to(OutputStream, Options, Listener)}, whose options name the batch size
   *     and delay
   */
  @Deprecated
  public static Sink<ResultLine, CompletionStage<Done>> to(
      OutputStream out,
      JsonLines.Options format,
      int maxLines,
      Duration maxDelay,
      Listener listener) {
    Sink<List<ResultLine>, CompletionStage<Done>> writer =
        Sink.<List<ResultLine>, CompletionStage<Done>>fromMaterializer(
                (materializer, attributes) -> {
                  JsonLines encoder = new JsonLines(format);
                  return Sink.foreach(group -> write(out, encoder, group, listener));
                })
            .mapMaterializedValue(done -> done.thenCompose(stage -> stage))
            // One group waits for the writer, no more: lines may carry bodies.
            .withAttributes(
                ActorAttributes.dispatcher("pekko.actor.default-blocking-io-dispatcher")
                    .and(Attributes.inputBuffer(1, 1)));
    // Grouped before the writer's dispatcher: results cross to it a group at a time, not one by
    // one.
    return Flow.<ResultLine>create().groupedWithin(maxLines, maxDelay).toMat(writer, Keep.right());
  }

  private static void write(
      OutputStream out, JsonLines encoder, List<ResultLine> group, Listener listener) {
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

package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.ResponseBody;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Reads one response body the way its {@link ReadAs} says, as it streams: counting its bytes,
 * hashing them if asked, and failing with a {@link BodyTooLarge} as soon as more than {@code
 * max-body} bytes have come, so no policy ever holds more than the cap. A body that came whole with
 * the headers (small responses) is read without a stream. A running read can be aborted from
 * another thread (timeout, cancellation), which ends the connection's entity.
 */
@InternalApi
public final class BodyReader {
  private final Materializer materializer;
  private final Executor executor;
  private final long maxBody;
  private final boolean sha256;

  /** What a read produced: the byte count, the hash (or null) and the body. */
  public record Read(long bytes, String sha256, ResponseBody body) {}

  /** Thrown into a body stream that passed the cap. */
  public static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("body too large", null, false, false);
    }
  }

  /** The body could not be written to its file (disk full, no permission). */
  public static final class BodyWriteFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyWriteFailed(Path file, IOException cause) {
      super("cannot write " + file + ": " + cause.getMessage(), cause);
    }
  }

  /** A reader materializing on {@code materializer}, finishing files on {@code executor}. */
  public BodyReader(Materializer materializer, Executor executor, long maxBody, boolean sha256) {
    this.materializer = materializer;
    this.executor = executor;
    this.maxBody = maxBody;
    this.sha256 = sha256;
  }

  /** Where a running read's kill switch is kept, so it can be aborted; null-safe both ways. */
  public static final class Abort {
    private final AtomicReference<UniqueKillSwitch> running = new AtomicReference<>();
    private volatile boolean aborted;

    /** Aborts the read now, or as soon as it starts. */
    public void abort() {
      aborted = true;
      UniqueKillSwitch killSwitch = running.get();
      if (killSwitch != null) {
        killSwitch.abort(new IllegalStateException("attempt over"));
      }
    }

    void started(UniqueKillSwitch killSwitch) {
      running.set(killSwitch);
      if (aborted) {
        killSwitch.abort(new IllegalStateException("attempt over"));
      }
    }
  }

  /** Reads {@code entity} (already decoded, if it was compressed) as {@code readAs}. */
  public CompletionStage<Read> read(HttpEntity entity, ReadAs readAs, Abort abort) {
    if (entity instanceof HttpEntity.Strict strict && inMemory(readAs)) {
      return CompletableFuture.completedFuture(
          readStrict(strict.getData(), entity.getContentType(), readAs));
    }
    Counter counter = new Counter(maxBody, sha256);
    Source<ByteString, UniqueKillSwitch> bytes =
        entity
            .withSizeLimit(maxBody)
            .getDataBytes()
            .map(counter::count)
            .viaMat(KillSwitches.single(), Keep.right());
    if (readAs instanceof ReadAs.ToFile toFile) {
      return toFile(bytes, toFile.file(), counter, abort);
    }
    Sink<ByteString, CompletionStage<ResponseBody>> sink = sink(readAs, entity.getContentType());
    Pair<UniqueKillSwitch, CompletionStage<ResponseBody>> running =
        bytes.toMat(sink, Keep.both()).run(materializer);
    abort.started(running.first());
    return running.second().thenApply(body -> counter.result(body));
  }

  /**
   * Reads at most the first {@code limit} bytes of {@code entity} as text and ignores the rest (the
   * stream is cancelled there): for a file of which only a prefix matters, such as robots.txt.
   */
  public CompletionStage<Read> readPrefix(HttpEntity entity, int limit, Abort abort) {
    long[] taken = {0};
    Pair<UniqueKillSwitch, CompletionStage<ByteString>> running =
        entity
            .getDataBytes()
            .viaMat(KillSwitches.single(), Keep.right())
            .map(
                chunk -> {
                  int room = (int) Math.min(chunk.size(), limit - taken[0]);
                  taken[0] += room;
                  return room < chunk.size() ? chunk.take(room) : chunk;
                })
            .takeWhile(chunk -> taken[0] < limit, true)
            .toMat(Sink.fold(ByteString.emptyByteString(), ByteString::concat), Keep.both())
            .run(materializer);
    abort.started(running.first());
    return running
        .second()
        .thenApply(bytes -> new Read(bytes.size(), null, text(bytes, entity.getContentType())));
  }

  private static boolean inMemory(ReadAs readAs) {
    return readAs instanceof ReadAs.Discard
        || readAs instanceof ReadAs.Bytes
        || readAs instanceof ReadAs.Text;
  }

  private Read readStrict(ByteString data, ContentType contentType, ReadAs readAs) {
    if (data.size() > maxBody) {
      throw new BodyTooLarge();
    }
    Counter counter = new Counter(maxBody, sha256);
    counter.count(data);
    ResponseBody body;
    if (readAs instanceof ReadAs.Bytes) {
      body = new ResponseBody.InMemory(data);
    } else if (readAs instanceof ReadAs.Text) {
      body = text(data, contentType);
    } else {
      body = ResponseBody.Discarded.INSTANCE;
    }
    return counter.result(body);
  }

  private static Sink<ByteString, CompletionStage<ResponseBody>> sink(
      ReadAs readAs, ContentType contentType) {
    if (readAs instanceof ReadAs.ToSink<?> custom) {
      return custom
          .sink()
          .mapMaterializedValue(result -> result.thenApply(ResponseBody.Consumed::new));
    }
    if (readAs instanceof ReadAs.Discard) {
      return Sink.<ByteString>ignore()
          .mapMaterializedValue(done -> done.thenApply(d -> ResponseBody.Discarded.INSTANCE));
    }
    Sink<ByteString, CompletionStage<ByteString>> all =
        Sink.fold(ByteString.emptyByteString(), ByteString::concat);
    return readAs instanceof ReadAs.Text
        ? all.mapMaterializedValue(data -> data.thenApply(bytes -> text(bytes, contentType)))
        : all.mapMaterializedValue(
            data -> data.thenApply(bytes -> new ResponseBody.InMemory(bytes.compact())));
  }

  /**
   * Streams into a temporary file beside {@code file}, then renames it: the file is whole or
   * absent. A failure of the body stream (the connection, the cap, an abort) is reported as itself;
   * any other failure of the file sink is a {@link BodyWriteFailed}.
   */
  private CompletionStage<Read> toFile(
      Source<ByteString, UniqueKillSwitch> bytes, Path file, Counter counter, Abort abort) {
    Path partial = file.resolveSibling("." + file.getFileName() + ".part");
    AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    // Noted in the stream itself, before the failure travels on to the file sink.
    Pair<UniqueKillSwitch, CompletionStage<IOResult>> running =
        bytes
            .mapError(
                new PFBuilder<Throwable, Throwable>()
                    .match(
                        Throwable.class,
                        error -> {
                          streamFailure.set(error);
                          return error;
                        })
                    .build())
            .toMat(FileIO.toPath(partial), Keep.both())
            .run(materializer);
    abort.started(running.first());
    return running
        .second()
        .handleAsync(
            (written, error) -> {
              try {
                if (error != null) {
                  Files.deleteIfExists(partial);
                  Throwable cause = streamFailure.get();
                  if (cause != null) {
                    throw cause instanceof RuntimeException e
                        ? e
                        : new IllegalStateException(cause.getMessage(), cause);
                  }
                  throw new BodyWriteFailed(file, writeError(ErrorKind.unwrap(error)));
                }
                Files.move(
                    partial,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
                return counter.result(new ResponseBody.Saved(file));
              } catch (IOException e) {
                throw new BodyWriteFailed(file, e);
              }
            },
            executor);
  }

  /** The I/O error inside what the file sink failed with (Pekko wraps it). */
  private static IOException writeError(Throwable failed) {
    if (failed instanceof IOException io) {
      return io;
    }
    return failed.getCause() instanceof IOException io
        ? io
        : new IOException(failed.getMessage(), failed);
  }

  /**
   * Decodes by the charset of {@code contentType}, UTF-8 if it names none; malformed bytes become
   * U+FFFD.
   */
  static ResponseBody.Text text(ByteString bytes, ContentType contentType) {
    Charset charset =
        contentType
            .getCharsetOption()
            .map(
                httpCharset -> {
                  try {
                    return httpCharset.nioCharset();
                  } catch (RuntimeException unsupported) {
                    return StandardCharsets.UTF_8;
                  }
                })
            .orElse(StandardCharsets.UTF_8);
    return new ResponseBody.Text(bytes.decodeString(charset), charset.name());
  }

  /** Counts and hashes the bytes of one body as they pass; fails past the cap. */
  private static final class Counter {
    private final long max;
    private final MessageDigest digest;
    private long count;

    Counter(long max, boolean hash) {
      this.max = max;
      this.digest = hash ? sha256() : null;
    }

    ByteString count(ByteString chunk) {
      count += chunk.size();
      if (count > max) {
        throw new BodyTooLarge();
      }
      if (digest != null) {
        chunk.getByteBuffers().forEach(digest::update);
      }
      return chunk;
    }

    Read result(ResponseBody body) {
      return new Read(
          count, digest == null ? null : HexFormat.of().formatHex(digest.digest()), body);
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }
  }
}

package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.PayloadCodec;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskFailure;
import io.fetchpipe.core.internal.Batch;
import io.fetchpipe.core.internal.Job;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * How the parts of fetchpipe's cross-node messages are written: bytes and strings with their length
 * in front, actor references by their serialization format, times as numbers, requests and results
 * by the codecs registered with the actor system, and failures as data (kind and message), since
 * exceptions themselves do not travel. A failure whose class (or a superclass) has a registered
 * codec travels whole through it; a {@link RetryableFailure} keeps its retry data; any other
 * arrives as a {@link TaskFailure} of the same kind and message.
 */
@InternalApi
public final class WireFormat {
  private static final int NO_FAILURE = 0;
  private static final int RETRYABLE = 1;
  private static final int REGISTERED = 2;
  private static final int TASK = 3;
  private static final int OTHER = 4;

  private final ActorRefResolver refs;
  private final PayloadRegistry payloads;

  WireFormat(ActorRefResolver refs, PayloadRegistry payloads) {
    this.refs = refs;
    this.payloads = payloads;
  }

  /** Writes {@code bytes} (null too) with its length in front. */
  public static void writeBytes(byte[] bytes, DataOutput out) throws IOException {
    out.writeInt(bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      out.write(bytes);
    }
  }

  /** Reads what {@link #writeBytes} wrote. */
  public static byte[] readBytes(DataInput in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  /**
   * Writes {@code value} (null too) as UTF-8 of any length (DataOutput's own form stops at 64 KiB).
   */
  public static void writeString(String value, DataOutput out) throws IOException {
    writeBytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8), out);
  }

  /** Reads what {@link #writeString} wrote. */
  public static String readString(DataInput in) throws IOException {
    byte[] bytes = readBytes(in);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Writes one type's values.
   *
   * @param <T> the type
   */
  @FunctionalInterface
  public interface Writer<T> {
    /** Writes {@code value}. */
    void write(T value, DataOutput out) throws IOException;
  }

  /**
   * Reads one type's values.
   *
   * @param <T> the type
   */
  @FunctionalInterface
  public interface Reader<T> {
    /** Reads a value. */
    T read(DataInput in) throws IOException;
  }

  /** The codec that writes with {@code writer} and reads with {@code reader}. */
  public static <T> PayloadCodec<T> codec(Writer<? super T> writer, Reader<? extends T> reader) {
    return new PayloadCodec<>() {
      @Override
      public void write(T value, DataOutput out) throws IOException {
        writer.write(value, out);
      }

      @Override
      public T read(DataInput in) throws IOException {
        return reader.read(in);
      }
    };
  }

  void writeRef(ActorRef<?> ref, DataOutput out) throws IOException {
    writeString(refs.toSerializationFormat(ref), out);
  }

  <T> ActorRef<T> readRef(DataInput in) throws IOException {
    return refs.resolveActorRef(readString(in));
  }

  static void writeDuration(Duration value, DataOutput out) throws IOException {
    out.writeLong(value == null ? -1 : value.toNanos());
  }

  static Duration readDuration(DataInput in) throws IOException {
    long nanos = in.readLong();
    return nanos < 0 ? null : Duration.ofNanos(nanos);
  }

  static void writeInstant(Instant value, DataOutput out) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeLong(value.getEpochSecond());
      out.writeInt(value.getNano());
    }
  }

  static Instant readInstant(DataInput in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  /** Writes a payload (or null) with its class, which must be registered. */
  void writePayload(Object value, DataOutput out) throws IOException {
    if (value == null) {
      out.writeBoolean(false);
      return;
    }
    out.writeBoolean(true);
    String type = value.getClass().getName();
    writeWith(payloads.codec(type), type, value, out);
  }

  /** Reads a payload written by {@link #writePayload}; its class must be registered here too. */
  Object readPayload(DataInput in) throws IOException {
    return in.readBoolean() ? readWith(readString(in), in) : null;
  }

  private static void writeWith(
      PayloadCodec<Object> codec, String type, Object value, DataOutput out) throws IOException {
    if (codec == null) {
      throw new NotSerializableException(type + " is not registered with ClusterPayloads");
    }
    writeString(type, out);
    codec.write(value, out);
  }

  private Object readWith(String type, DataInput in) throws IOException {
    PayloadCodec<Object> codec = payloads.codec(type);
    if (codec == null) {
      throw new NotSerializableException(type + " is not registered with ClusterPayloads");
    }
    return codec.read(in);
  }

  void writeJob(Job<?> job, DataOutput out) throws IOException {
    Batch batch = job.batch();
    out.writeLong(batch.id());
    writeDuration(batch.jobTimeout(), out);
    writeRef(batch.replyTo(), out);
    out.writeBoolean(batch.failFast());
    out.writeInt(job.index());
    out.writeInt(job.attempt());
    out.writeInt(job.reruns());
    writeInstant(job.firstStartedAt(), out);
    writePayload(job.request(), out);
  }

  Job<Object> readJob(DataInput in) throws IOException {
    Batch batch = new Batch(in.readLong(), readDuration(in), readRef(in), in.readBoolean());
    int index = in.readInt();
    int attempt = in.readInt();
    int reruns = in.readInt();
    Instant firstStartedAt = readInstant(in);
    return new Job<>(batch, index, readPayload(in), attempt, reruns, firstStartedAt);
  }

  void writeOutcome(Outcome<?> outcome, DataOutput out) throws IOException {
    out.writeInt(outcome.index());
    writeInstant(outcome.startedAt(), out);
    writeInstant(outcome.finishedAt(), out);
    if (outcome instanceof Outcome.Success<?> success) {
      out.writeBoolean(true);
      writePayload(success.value(), out);
    } else {
      Outcome.Failure<?> failure = (Outcome.Failure<?>) outcome;
      out.writeBoolean(false);
      writeString(failure.kind().wireName(), out);
      writeString(failure.message(), out);
      writeFailure(failure.cause(), out);
    }
  }

  Outcome<Object> readOutcome(DataInput in) throws IOException {
    int index = in.readInt();
    Instant startedAt = readInstant(in);
    Instant finishedAt = readInstant(in);
    if (in.readBoolean()) {
      return Outcome.success(index, readPayload(in), startedAt, finishedAt);
    }
    ErrorKind kind = ErrorKind.of(readString(in));
    String message = readString(in);
    return Outcome.failure(index, kind, message, readFailure(in), startedAt, finishedAt);
  }

  void writeFailure(Throwable error, DataOutput out) throws IOException {
    Throwable cause = ErrorKind.unwrap(error);
    PayloadRegistry.Registered registered =
        cause == null ? null : payloads.failureCodec(cause.getClass());
    if (cause == null) {
      out.writeByte(NO_FAILURE);
    } else if (cause instanceof RetryableFailure retryable) {
      out.writeByte(RETRYABLE);
      writeString(messageOf(retryable), out);
      writeDuration(retryable.retryAfter(), out);
      out.writeBoolean(retryable.finalValue() != null);
      if (retryable.finalValue() != null) {
        writePayload(retryable.finalValue(), out);
      } else {
        writeFailure(retryable.finalError(), out);
      }
    } else if (registered != null) {
      out.writeByte(REGISTERED);
      writeWith(registered.codec(), registered.type(), cause, out);
    } else if (cause instanceof TaskFailure task) {
      out.writeByte(TASK);
      writeString(task.kind().wireName(), out);
      writeString(messageOf(task), out);
    } else {
      out.writeByte(OTHER);
      writeString(ErrorKind.classify(cause).wireName(), out);
      writeString(Outcome.describe(cause), out);
    }
  }

  Throwable readFailure(DataInput in) throws IOException {
    int tag = in.readByte();
    switch (tag) {
      case NO_FAILURE:
        return null;
      case RETRYABLE:
        {
          String message = readString(in);
          Duration retryAfter = readDuration(in);
          if (in.readBoolean()) {
            return RetryableFailure.succeeding(readPayload(in), message, retryAfter);
          }
          return RetryableFailure.failing(readFailure(in), retryAfter);
        }
      case REGISTERED:
        {
          Object failure = readWith(readString(in), in);
          if (failure instanceof Throwable throwable) {
            return throwable;
          }
          throw new NotSerializableException("a failure's codec read no failure but " + failure);
        }
      case TASK:
      case OTHER:
        return new TaskFailure(ErrorKind.of(readString(in)), readString(in));
      default:
        throw new IOException("unknown failure tag " + tag);
    }
  }

  private static String messageOf(Throwable error) {
    return error.getMessage() == null ? "" : error.getMessage();
  }
}

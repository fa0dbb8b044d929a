package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.ClusterPayloads;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskFailure;
import io.fetchpipe.core.internal.Batch;
import io.fetchpipe.core.internal.Job;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * How the parts of fetchpipe's cross-node messages are written: actor references by their
 * serialization format, times as numbers, requests and results by their registered codecs, and
 * failures as data (kind, message, and what a fetch failure adds), since exceptions themselves do
 * not travel. A failure of any other class arrives as a {@link TaskFailure} of the same kind and
 * message.
 */
@InternalApi
final class WireFormat {
  private static final int NO_FAILURE = 0;
  private static final int RETRYABLE = 1;
  private static final int FETCH = 2;
  private static final int TASK = 3;
  private static final int OTHER = 4;

  private final ActorRefResolver refs;

  WireFormat(ActorRefResolver refs) {
    this.refs = refs;
  }

  void writeRef(ActorRef<?> ref, DataOutput out) throws IOException {
    ClusterPayloads.writeString(refs.toSerializationFormat(ref), out);
  }

  <T> ActorRef<T> readRef(DataInput in) throws IOException {
    return refs.resolveActorRef(ClusterPayloads.readString(in));
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

  static void writeNullableString(String value, DataOutput out) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      ClusterPayloads.writeString(value, out);
    }
  }

  static String readNullableString(DataInput in) throws IOException {
    return in.readBoolean() ? ClusterPayloads.readString(in) : null;
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
    ClusterPayloads.writePayload(job.request(), out);
  }

  Job<Object> readJob(DataInput in) throws IOException {
    Batch batch = new Batch(in.readLong(), readDuration(in), readRef(in), in.readBoolean());
    int index = in.readInt();
    int attempt = in.readInt();
    int reruns = in.readInt();
    Instant firstStartedAt = readInstant(in);
    return new Job<>(batch, index, ClusterPayloads.readPayload(in), attempt, reruns, firstStartedAt);
  }

  static void writeOutcome(Outcome<?> outcome, DataOutput out) throws IOException {
    out.writeInt(outcome.index());
    writeInstant(outcome.startedAt(), out);
    writeInstant(outcome.finishedAt(), out);
    if (outcome instanceof Outcome.Success<?> success) {
      out.writeBoolean(true);
      ClusterPayloads.writePayload(success.value(), out);
    } else {
      Outcome.Failure<?> failure = (Outcome.Failure<?>) outcome;
      out.writeBoolean(false);
      ClusterPayloads.writeString(failure.kind().wireName(), out);
      ClusterPayloads.writeString(failure.message(), out);
      writeFailure(failure.cause(), out);
    }
  }

  static Outcome<Object> readOutcome(DataInput in) throws IOException {
    int index = in.readInt();
    Instant startedAt = readInstant(in);
    Instant finishedAt = readInstant(in);
    if (in.readBoolean()) {
      return Outcome.success(index, ClusterPayloads.readPayload(in), startedAt, finishedAt);
    }
    ErrorKind kind = ErrorKind.of(ClusterPayloads.readString(in));
    String message = ClusterPayloads.readString(in);
    return Outcome.failure(index, kind, message, readFailure(in), startedAt, finishedAt);
  }

  static void writeFailure(Throwable error, DataOutput out) throws IOException {
    Throwable cause = ErrorKind.unwrap(error);
    if (cause == null) {
      out.writeByte(NO_FAILURE);
    } else if (cause instanceof RetryableFailure retryable) {
      out.writeByte(RETRYABLE);
      ClusterPayloads.writeString(messageOf(retryable), out);
      writeDuration(retryable.retryAfter(), out);
      out.writeBoolean(retryable.finalValue() != null);
      if (retryable.finalValue() != null) {
        ClusterPayloads.writePayload(retryable.finalValue(), out);
      } else {
        writeFailure(retryable.finalError(), out);
      }
    } else if (cause instanceof FetchFailure fetch) {
      out.writeByte(FETCH);
      ClusterPayloads.writeString(fetch.kind().wireName(), out);
      ClusterPayloads.writeString(messageOf(fetch), out);
      out.writeInt(fetch.attempts());
      ClusterPayloads.writePayload(fetch.response(), out);
    } else if (cause instanceof TaskFailure task) {
      out.writeByte(TASK);
      ClusterPayloads.writeString(task.kind().wireName(), out);
      ClusterPayloads.writeString(messageOf(task), out);
    } else {
      out.writeByte(OTHER);
      ClusterPayloads.writeString(ErrorKind.classify(cause).wireName(), out);
      ClusterPayloads.writeString(Outcome.describe(cause), out);
    }
  }

  static Throwable readFailure(DataInput in) throws IOException {
    int tag = in.readByte();
    switch (tag) {
      case NO_FAILURE:
        return null;
      case RETRYABLE: {
        String message = ClusterPayloads.readString(in);
        Duration retryAfter = readDuration(in);
        if (in.readBoolean()) {
          return RetryableFailure.succeeding(ClusterPayloads.readPayload(in), message, retryAfter);
        }
        return RetryableFailure.failing(readFailure(in), retryAfter);
      }
      case FETCH: {
        ErrorKind kind = ErrorKind.of(ClusterPayloads.readString(in));
        String message = ClusterPayloads.readString(in);
        int attempts = in.readInt();
        return new FetchFailure(kind, message, attempts, (FetchResponse) ClusterPayloads.readPayload(in), null);
      }
      case TASK:
      case OTHER:
        return new TaskFailure(ErrorKind.of(ClusterPayloads.readString(in)), ClusterPayloads.readString(in));
      default:
        throw new IOException("unknown failure tag " + tag);
    }
  }

  private static String messageOf(Throwable error) {
    return error.getMessage() == null ? "" : error.getMessage();
  }
}

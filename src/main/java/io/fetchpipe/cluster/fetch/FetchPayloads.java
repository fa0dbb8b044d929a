package io.fetchpipe.cluster.fetch;

import static io.fetchpipe.cluster.internal.WireFormat.readBytes;
import static io.fetchpipe.cluster.internal.WireFormat.readString;
import static io.fetchpipe.cluster.internal.WireFormat.writeBytes;
import static io.fetchpipe.cluster.internal.WireFormat.writeString;

import io.fetchpipe.cluster.ClusterPayloads;
import io.fetchpipe.cluster.internal.WireFormat;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.ResponseBody;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.util.ByteString;

/**
 * How fetch requests, responses and failures cross nodes. A body to be read into a file or a sink
 * is code or a path on one machine, not data: such requests stay on their node (a cluster fetch
 * reads bodies into memory on the worker and the coordinator writes them).
 */
final class FetchPayloads {
  private static final int DISCARD = 0;
  private static final int BYTES = 1;
  private static final int TEXT = 2;
  private static final int SAVED = 3;

  private FetchPayloads() {}

  /** Registers the codecs with {@code system}'s payloads (again is harmless). */
  static void register(ActorSystem<?> system) {
    ClusterPayloads.get(system)
        .register(
            FetchRequest.class,
            WireFormat.codec(FetchPayloads::writeRequest, FetchPayloads::readRequest))
        .register(
            FetchResponse.class,
            WireFormat.codec(FetchPayloads::writeResponse, FetchPayloads::readResponse))
        .register(
            FetchFailure.class,
            WireFormat.codec(FetchPayloads::writeFailure, FetchPayloads::readFailure));
  }

  static void writeRequest(FetchRequest request, DataOutput out) throws IOException {
    writeString(request.url(), out);
    writeString(request.method(), out);
    writeHeaders(request.headers(), out);
    writeByteString(request.body(), out);
    writeString(request.id(), out);
    if (request.readAs() == null) {
      out.writeByte(-1);
    } else if (request.readAs() instanceof ReadAs.Discard) {
      out.writeByte(DISCARD);
    } else if (request.readAs() instanceof ReadAs.Bytes) {
      out.writeByte(BYTES);
    } else if (request.readAs() instanceof ReadAs.Text) {
      out.writeByte(TEXT);
    } else {
      throw new NotSerializableException(
          "a request whose body is read as " + request.readAs() + " stays on its node");
    }
  }

  static FetchRequest readRequest(DataInput in) throws IOException {
    String url = readString(in);
    String method = readString(in);
    List<Header> headers = readHeaders(in);
    ByteString body = readByteString(in);
    String id = readString(in);
    ReadAs readAs =
        switch (in.readByte()) {
          case DISCARD -> ReadAs.discard();
          case BYTES -> ReadAs.bytes();
          case TEXT -> ReadAs.text();
          default -> null;
        };
    return new FetchRequest(url, method, headers, body, id, readAs);
  }

  static void writeResponse(FetchResponse response, DataOutput out) throws IOException {
    out.writeInt(response.status());
    writeHeaders(response.headers(), out);
    writeString(response.contentType(), out);
    writeString(response.finalUrl(), out);
    out.writeInt(response.attempts());
    out.writeLong(response.bytes());
    writeString(response.sha256(), out);
    ResponseBody body = response.body();
    if (body instanceof ResponseBody.InMemory memory) {
      out.writeByte(BYTES);
      writeByteString(memory.bytes(), out);
    } else if (body instanceof ResponseBody.Text text) {
      out.writeByte(TEXT);
      writeString(text.text(), out);
      writeString(text.charset(), out);
    } else if (body instanceof ResponseBody.Saved saved) {
      out.writeByte(SAVED);
      writeString(saved.file().toString(), out);
    } else if (body instanceof ResponseBody.Discarded) {
      out.writeByte(DISCARD);
    } else {
      throw new NotSerializableException("a body consumed by a sink stays on its node");
    }
  }

  static FetchResponse readResponse(DataInput in) throws IOException {
    int status = in.readInt();
    List<Header> headers = readHeaders(in);
    String contentType = readString(in);
    String finalUrl = readString(in);
    int attempts = in.readInt();
    long bytes = in.readLong();
    String sha256 = readString(in);
    ResponseBody body =
        switch (in.readByte()) {
          case BYTES -> new ResponseBody.InMemory(readByteString(in));
          case TEXT -> new ResponseBody.Text(readString(in), readString(in));
          case SAVED -> new ResponseBody.Saved(Path.of(readString(in)));
          default -> ResponseBody.Discarded.INSTANCE;
        };
    return new FetchResponse(status, headers, contentType, finalUrl, attempts, bytes, sha256, body);
  }

  /**
   * A fetch failure as data: its kind, message, attempts and the response it kept (its cause stays
   * behind).
   */
  static void writeFailure(FetchFailure failure, DataOutput out) throws IOException {
    writeString(failure.kind().wireName(), out);
    writeString(failure.getMessage() == null ? "" : failure.getMessage(), out);
    out.writeInt(failure.attempts());
    out.writeBoolean(failure.response() != null);
    if (failure.response() != null) {
      writeResponse(failure.response(), out);
    }
  }

  static FetchFailure readFailure(DataInput in) throws IOException {
    ErrorKind kind = ErrorKind.of(readString(in));
    String message = readString(in);
    int attempts = in.readInt();
    FetchResponse response = in.readBoolean() ? readResponse(in) : null;
    return new FetchFailure(kind, message, attempts, response, null);
  }

  private static void writeHeaders(List<Header> headers, DataOutput out) throws IOException {
    out.writeInt(headers.size());
    for (Header header : headers) {
      writeString(header.name(), out);
      writeString(header.value(), out);
    }
  }

  private static List<Header> readHeaders(DataInput in) throws IOException {
    int count = in.readInt();
    List<Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      headers.add(new Header(readString(in), readString(in)));
    }
    return headers;
  }

  private static void writeByteString(ByteString bytes, DataOutput out) throws IOException {
    writeBytes(bytes == null ? null : bytes.toArrayUnsafe(), out);
  }

  private static ByteString readByteString(DataInput in) throws IOException {
    byte[] bytes = readBytes(in);
    return bytes == null ? null : ByteString.fromArrayUnsafe(bytes);
  }
}

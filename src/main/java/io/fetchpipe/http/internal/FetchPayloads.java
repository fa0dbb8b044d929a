package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.ClusterPayloads;
import io.fetchpipe.cluster.PayloadCodec;
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
import org.apache.pekko.util.ByteString;

/**
 * How fetch requests and responses cross nodes. A body to be read into a file or a sink is code
 * or a path on one machine, not data: such requests stay on their node (a cluster fetch reads
 * bodies into memory on the worker and the coordinator writes them).
 */
@InternalApi
public final class FetchPayloads {
  private static final int DISCARD = 0;
  private static final int BYTES = 1;
  private static final int TEXT = 2;
  private static final int SAVED = 3;

  private FetchPayloads() {}

  /** Registers both codecs with {@link ClusterPayloads} (again is harmless). */
  public static void register() {
    ClusterPayloads.register(FetchRequest.class, new PayloadCodec<>() {
      @Override
      public void write(FetchRequest value, DataOutput out) throws IOException {
        writeRequest(value, out);
      }

      @Override
      public FetchRequest read(DataInput in) throws IOException {
        return readRequest(in);
      }
    });
    ClusterPayloads.register(FetchResponse.class, new PayloadCodec<>() {
      @Override
      public void write(FetchResponse value, DataOutput out) throws IOException {
        writeResponse(value, out);
      }

      @Override
      public FetchResponse read(DataInput in) throws IOException {
        return readResponse(in);
      }
    });
  }

  static void writeRequest(FetchRequest request, DataOutput out) throws IOException {
    ClusterPayloads.writeString(request.url(), out);
    ClusterPayloads.writeString(request.method(), out);
    writeHeaders(request.headers(), out);
    writeBytes(request.body(), out);
    writeNullable(request.id(), out);
    if (request.readAs() == null) {
      out.writeByte(-1);
    } else if (request.readAs() instanceof ReadAs.Discard) {
      out.writeByte(DISCARD);
    } else if (request.readAs() instanceof ReadAs.Bytes) {
      out.writeByte(BYTES);
    } else if (request.readAs() instanceof ReadAs.Text) {
      out.writeByte(TEXT);
    } else {
      throw new NotSerializableException("a request whose body is read as " + request.readAs() + " stays on its node");
    }
  }

  static FetchRequest readRequest(DataInput in) throws IOException {
    String url = ClusterPayloads.readString(in);
    String method = ClusterPayloads.readString(in);
    List<Header> headers = readHeaders(in);
    ByteString body = readBytes(in);
    String id = readNullable(in);
    ReadAs readAs = switch (in.readByte()) {
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
    writeNullable(response.contentType(), out);
    writeNullable(response.finalUrl(), out);
    out.writeInt(response.attempts());
    out.writeLong(response.bytes());
    writeNullable(response.sha256(), out);
    ResponseBody body = response.body();
    if (body instanceof ResponseBody.InMemory memory) {
      out.writeByte(BYTES);
      writeBytes(memory.bytes(), out);
    } else if (body instanceof ResponseBody.Text text) {
      out.writeByte(TEXT);
      ClusterPayloads.writeString(text.text(), out);
      ClusterPayloads.writeString(text.charset(), out);
    } else if (body instanceof ResponseBody.Saved saved) {
      out.writeByte(SAVED);
      ClusterPayloads.writeString(saved.file().toString(), out);
    } else if (body instanceof ResponseBody.Discarded) {
      out.writeByte(DISCARD);
    } else {
      throw new NotSerializableException("a body consumed by a sink stays on its node");
    }
  }

  static FetchResponse readResponse(DataInput in) throws IOException {
    int status = in.readInt();
    List<Header> headers = readHeaders(in);
    String contentType = readNullable(in);
    String finalUrl = readNullable(in);
    int attempts = in.readInt();
    long bytes = in.readLong();
    String sha256 = readNullable(in);
    ResponseBody body = switch (in.readByte()) {
      case BYTES -> new ResponseBody.InMemory(readBytes(in));
      case TEXT -> new ResponseBody.Text(ClusterPayloads.readString(in), ClusterPayloads.readString(in));
      case SAVED -> new ResponseBody.Saved(Path.of(ClusterPayloads.readString(in)));
      default -> ResponseBody.Discarded.INSTANCE;
    };
    return new FetchResponse(status, headers, contentType, finalUrl, attempts, bytes, sha256, body);
  }

  private static void writeHeaders(List<Header> headers, DataOutput out) throws IOException {
    out.writeInt(headers.size());
    for (Header header : headers) {
      ClusterPayloads.writeString(header.name(), out);
      ClusterPayloads.writeString(header.value(), out);
    }
  }

  private static List<Header> readHeaders(DataInput in) throws IOException {
    int count = in.readInt();
    List<Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      headers.add(new Header(ClusterPayloads.readString(in), ClusterPayloads.readString(in)));
    }
    return headers;
  }

  private static void writeBytes(ByteString bytes, DataOutput out) throws IOException {
    out.writeInt(bytes == null ? -1 : bytes.size());
    if (bytes != null) {
      out.write(bytes.toArrayUnsafe());
    }
  }

  private static ByteString readBytes(DataInput in) throws IOException {
    int size = in.readInt();
    if (size < 0) {
      return null;
    }
    byte[] bytes = new byte[size];
    in.readFully(bytes);
    return ByteString.fromArrayUnsafe(bytes);
  }

  private static void writeNullable(String value, DataOutput out) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      ClusterPayloads.writeString(value, out);
    }
  }

  private static String readNullable(DataInput in) throws IOException {
    return in.readBoolean() ? ClusterPayloads.readString(in) : null;
  }
}

package io.fetchpipe.cluster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The types of requests and results that may cross nodes, each with its {@link PayloadCodec}. A
 * node must register the same types as the nodes it works with (the fetcher registers its own).
 * {@code String}, {@code Integer}, {@code Long} and {@code byte[]} are known from the start.
 */
public final class ClusterPayloads {
  private static final Map<String, PayloadCodec<?>> CODECS = new ConcurrentHashMap<>();

  static {
    register(String.class, new PayloadCodec<>() {
      @Override
      public void write(String value, DataOutput out) throws IOException {
        writeString(value, out);
      }

      @Override
      public String read(DataInput in) throws IOException {
        return readString(in);
      }
    });
    register(Integer.class, new PayloadCodec<>() {
      @Override
      public void write(Integer value, DataOutput out) throws IOException {
        out.writeInt(value);
      }

      @Override
      public Integer read(DataInput in) throws IOException {
        return in.readInt();
      }
    });
    register(Long.class, new PayloadCodec<>() {
      @Override
      public void write(Long value, DataOutput out) throws IOException {
        out.writeLong(value);
      }

      @Override
      public Long read(DataInput in) throws IOException {
        return in.readLong();
      }
    });
    register(byte[].class, new PayloadCodec<>() {
      @Override
      public void write(byte[] value, DataOutput out) throws IOException {
        out.writeInt(value.length);
        out.write(value);
      }

      @Override
      public byte[] read(DataInput in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
      }
    });
  }

  private ClusterPayloads() {}

  /** Lets values of {@code type} (exactly that class) cross nodes with {@code codec}. */
  public static <T> void register(Class<T> type, PayloadCodec<T> codec) {
    CODECS.put(type.getName(), Objects.requireNonNull(codec, "codec"));
  }

  /** The codec of a class name, or null when none is registered. */
  static PayloadCodec<?> codec(String className) {
    return CODECS.get(className);
  }

  /** Strings of any length (DataOutput's own UTF form stops at 64 KiB). */
  public static void writeString(String value, DataOutput out) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Reads what {@link #writeString} wrote. */
  public static String readString(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Writes a payload with its class, which must be registered. */
  public static void writePayload(Object value, DataOutput out) throws IOException {
    if (value == null) {
      out.writeBoolean(false);
      return;
    }
    out.writeBoolean(true);
    String type = value.getClass().getName();
    @SuppressWarnings("unchecked")
    PayloadCodec<Object> codec = (PayloadCodec<Object>) CODECS.get(type);
    if (codec == null) {
      throw new NotSerializableException(type + " is not registered with ClusterPayloads");
    }
    writeString(type, out);
    codec.write(value, out);
  }

  /** Reads a payload written by {@link #writePayload}; its class must be registered here too. */
  public static Object readPayload(DataInput in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    String type = readString(in);
    PayloadCodec<?> codec = CODECS.get(type);
    if (codec == null) {
      throw new NotSerializableException(type + " is not registered with ClusterPayloads");
    }
    return codec.read(in);
  }
}

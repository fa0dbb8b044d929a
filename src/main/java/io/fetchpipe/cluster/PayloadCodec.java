package io.fetchpipe.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How requests and results of one type travel between nodes, as bytes. Register one per type
 * with {@link ClusterPayloads#register}; only registered types are ever read back, so a node
 * never builds an object of a class a message merely names.
 *
 * @param <T> the payload type
 */
public interface PayloadCodec<T> {

  /** Writes {@code value} (never null). */
  void write(T value, DataOutput out) throws IOException;

  /** Reads what {@link #write} wrote. */
  T read(DataInput in) throws IOException;

  /** A codec writing {@code type} as JSON with Jackson: enough for plain records and beans. */
  static <T> PayloadCodec<T> json(Class<T> type) {
    ObjectMapper mapper = new ObjectMapper();
    return new PayloadCodec<>() {
      @Override
      public void write(T value, DataOutput out) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(value);
        out.writeInt(bytes.length);
        out.write(bytes);
      }

      @Override
      public T read(DataInput in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return mapper.readValue(bytes, type);
      }
    };
  }
}

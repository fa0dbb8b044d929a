package io.fetchpipe.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.cluster.internal.WireFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How requests, results or failures of one type travel between nodes, as bytes. Register one per
 * type with {@link ClusterPayloads#register} on every node's actor system; only registered types
 * are ever read back, so a node never builds an object of a class a message merely names.
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
    return WireFormat.codec(
        (value, out) -> WireFormat.writeBytes(mapper.writeValueAsBytes(value), out),
        in -> mapper.readValue(WireFormat.readBytes(in), type));
  }
}

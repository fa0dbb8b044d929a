package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.PayloadCodec;
import java.io.DataInput;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The codecs of one actor system's cross-node payloads, by class name: what {@link
 * io.fetchpipe.cluster.ClusterPayloads} registers and the serializer reads. {@code String}, {@code
 * Integer}, {@code Long} and {@code byte[]} are known from the start.
 */
@InternalApi
public final class PayloadRegistry implements Extension {
  private static final ExtensionId<PayloadRegistry> ID =
      new ExtensionId<>() {
        @Override
        public PayloadRegistry createExtension(ActorSystem<?> system) {
          return new PayloadRegistry();
        }
      };

  /**
   * A registered class and its codec.
   *
   * @param type the class's name, as written on the wire
   * @param codec its codec
   */
  public record Registered(String type, PayloadCodec<Object> codec) {}

  private final Map<String, PayloadCodec<?>> codecs = new ConcurrentHashMap<>();

  private PayloadRegistry() {
    register(String.class, WireFormat.codec(WireFormat::writeString, WireFormat::readString));
    register(byte[].class, WireFormat.codec(WireFormat::writeBytes, WireFormat::readBytes));
    register(
        Integer.class, WireFormat.codec((value, out) -> out.writeInt(value), DataInput::readInt));
    register(
        Long.class, WireFormat.codec((value, out) -> out.writeLong(value), DataInput::readLong));
  }

  /** The registry of {@code system}. */
  public static PayloadRegistry get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * Lets values of {@code type} (exactly that class) cross nodes with {@code codec}; replaces an
   * earlier one.
   */
  public <T> void register(Class<T> type, PayloadCodec<T> codec) {
    codecs.put(type.getName(), Objects.requireNonNull(codec, "codec"));
  }

  /** The codec of the class named {@code type}, or null when none is registered. */
  @SuppressWarnings("unchecked")
  public PayloadCodec<Object> codec(String type) {
    return (PayloadCodec<Object>) codecs.get(type);
  }

  /** The codec of the nearest of {@code type} and its superclasses that has one, or null. */
  public Registered failureCodec(Class<?> type) {
    for (Class<?> c = type; c != null && c != Throwable.class; c = c.getSuperclass()) {
      PayloadCodec<Object> codec = codec(c.getName());
      if (codec != null) {
        return new Registered(c.getName(), codec);
      }
    }
    return null;
  }
}

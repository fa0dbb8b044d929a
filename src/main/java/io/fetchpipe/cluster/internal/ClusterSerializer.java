package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The one serializer of every fetchpipe message that crosses nodes: jobs to workers, their
 * cancellation and outcomes, and the attaching of pools to hosts. A written binary format ({@link
 * WireFormat}), bound in {@code reference.conf}; Java serialization is never involved. Requests,
 * results and failures inside the messages go through the codecs registered with the actor system
 * ({@link PayloadRegistry}).
 */
@InternalApi
public final class ClusterSerializer extends SerializerWithStringManifest {
  private static final String RUN = "R";
  private static final String CANCEL = "C";
  private static final String DONE = "D";
  private static final String UNAVAILABLE = "U";
  private static final String ATTACH = "A";
  private static final String ATTACHED = "T";

  /** The manifest of each message class (all records: final, so the exact class names it). */
  private static final Map<Class<?>, String> MANIFESTS =
      Map.of(
          Worker.Run.class,
          RUN,
          Worker.Cancel.class,
          CANCEL,
          ThrottlingRouter.WorkerDone.class,
          DONE,
          ThrottlingRouter.WorkersUnavailable.class,
          UNAVAILABLE,
          WorkerHost.Attach.class,
          ATTACH,
          WorkerHost.Attached.class,
          ATTACHED);

  private final WireFormat wire;

  /** Made by Pekko's serialization, once per actor system. */
  public ClusterSerializer(ExtendedActorSystem system) {
    ActorSystem<Void> typed = Adapter.toTyped(system);
    this.wire = new WireFormat(ActorRefResolver.get(typed), PayloadRegistry.get(typed));
  }

  @Override
  public int identifier() {
    return 864_001;
  }

  @Override
  public String manifest(Object message) {
    String manifest = MANIFESTS.get(message.getClass());
    if (manifest != null) {
      return manifest;
    }
    throw new IllegalArgumentException(
        "no fetchpipe wire format for " + message.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(message, out);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serialize " + message.getClass().getName() + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  private void write(Object message, DataOutput out) throws IOException {
    if (message instanceof Worker.Run run) {
      wire.writeJob(run.job(), out);
    } else if (message instanceof Worker.Cancel cancel) {
      wire.writeJob(cancel.job(), out);
      WireFormat.writeString(cancel.kind().wireName(), out);
      WireFormat.writeString(cancel.message(), out);
    } else if (message instanceof ThrottlingRouter.WorkerDone done) {
      wire.writeRef(done.worker(), out);
      out.writeLong(done.batchId());
      out.writeInt(done.attempt());
      wire.writeOutcome(done.outcome(), out);
    } else if (message instanceof ThrottlingRouter.WorkersUnavailable unavailable) {
      writeRefs(unavailable.workers(), out);
    } else if (message instanceof WorkerHost.Attach attach) {
      wire.writeRef(attach.router(), out);
      WireFormat.writeString(attach.poolConfig(), out);
      wire.writeRef(attach.replyTo(), out);
    } else if (message instanceof WorkerHost.Attached attached) {
      wire.writeRef(attached.host(), out);
      writeRefs(attached.workers(), out);
    } else {
      throw new NotSerializableException(message.getClass().getName());
    }
  }

  private void writeRefs(List<? extends ActorRef<?>> refs, DataOutput out) throws IOException {
    out.writeInt(refs.size());
    for (ActorRef<?> ref : refs) {
      wire.writeRef(ref, out);
    }
  }

  private <T> List<ActorRef<T>> readRefs(DataInput in) throws IOException {
    int count = in.readInt();
    List<ActorRef<T>> refs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      refs.add(wire.readRef(in));
    }
    return refs;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return switch (manifest) {
        case RUN -> new Worker.Run(wire.readJob(in));
        case CANCEL ->
            new Worker.Cancel(
                wire.readJob(in),
                ErrorKind.of(WireFormat.readString(in)),
                WireFormat.readString(in));
        case DONE ->
            new ThrottlingRouter.WorkerDone(
                wire.readRef(in), in.readLong(), in.readInt(), wire.readOutcome(in));
        case UNAVAILABLE -> new ThrottlingRouter.WorkersUnavailable(readRefs(in));
        case ATTACH ->
            new WorkerHost.Attach(wire.readRef(in), WireFormat.readString(in), wire.readRef(in));
        case ATTACHED -> new WorkerHost.Attached(wire.readRef(in), readRefs(in));
        default ->
            throw new NotSerializableException("unknown fetchpipe manifest '" + manifest + "'");
      };
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read a fetchpipe message (" + manifest + "): " + e.getMessage(), e);
    }
  }
}

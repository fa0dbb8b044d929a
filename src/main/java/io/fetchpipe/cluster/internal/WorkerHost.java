package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.WorkerFactory;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A node's offer of workers for one kind of job: registered with the Receptionist under the kind's
 * service key, it answers each pool that attaches with {@code slots} workers of its own, running
 * the pool's jobs with a handler made from the pool's config. Each attached pool is a child {@link
 * Attachment}, which ends when the pool's router does. Draining (the node leaves) withdraws the
 * offer and lets every worker finish its job in hand, then stop.
 */
@InternalApi
public final class WorkerHost extends AbstractBehavior<WorkerHost.Command> {

  /** Messages the host understands. */
  public interface Command {}

  /** A pool asks for workers; the host answers {@code replyTo} with {@link Attached}. */
  public record Attach(
      ActorRef<ThrottlingRouter.Command> router, String poolConfig, ActorRef<Attached> replyTo)
      implements Command {}

  /**
   * The workers a host gives a pool (none when it is draining or could not serve the pool).
   *
   * @param host the host that answers
   * @param workers the workers, each running the pool's jobs on the host's node
   */
  public record Attached(ActorRef<Command> host, List<ActorRef<Worker.Command>> workers) {}

  /** Withdraw the offer, let the workers finish what they hold, and complete {@code drained}. */
  public record Drain(CompletableFuture<Done> drained) implements Command {}

  private record AttachmentEnded(ActorRef<ThrottlingRouter.Command> router) implements Command {}

  private final ServiceKey<Command> key;
  private final int slots;
  private final WorkerFactory<?, ?> factory;
  private final Map<ActorRef<ThrottlingRouter.Command>, ActorRef<Attachment.Command>> attachments =
      new HashMap<>();
  private CompletableFuture<Done> drained;
  private long attachmentNames;

  private WorkerHost(
      ActorContext<Command> context,
      ServiceKey<Command> key,
      int slots,
      WorkerFactory<?, ?> factory) {
    super(context);
    this.key = key;
    this.slots = slots;
    this.factory = factory;
  }

  /** The service key hosts of the kind {@code name} register under. */
  public static ServiceKey<Command> key(String name) {
    return ServiceKey.create(Command.class, "fetchpipe-workers-" + name);
  }

  /** A host offering {@code slots} workers per pool of the kind {@code name}. */
  public static Behavior<Command> create(String name, int slots, WorkerFactory<?, ?> factory) {
    return Behaviors.setup(
        context -> {
          ServiceKey<Command> key = key(name);
          context.getSystem().receptionist().tell(Receptionist.register(key, context.getSelf()));
          return new WorkerHost(context, key, slots, factory);
        });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(AttachmentEnded.class, this::onAttachmentEnded)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  private Behavior<Command> onAttach(Attach attach) {
    if (drained != null || attachments.containsKey(attach.router())) {
      attach.replyTo().tell(new Attached(getContext().getSelf(), List.of()));
      return this;
    }
    ActorRef<Attachment.Command> attachment =
        getContext()
            .spawn(
                Attachment.create(attach, slots, factory, getContext().getSelf()),
                "pool-" + (++attachmentNames));
    getContext().watchWith(attachment, new AttachmentEnded(attach.router()));
    attachments.put(attach.router(), attachment);
    return this;
  }

  private Behavior<Command> onAttachmentEnded(AttachmentEnded ended) {
    attachments.remove(ended.router());
    return drainedIfDone();
  }

  private Behavior<Command> onDrain(Drain drain) {
    if (drained == null) {
      drained = drain.drained();
      getContext()
          .getSystem()
          .receptionist()
          .tell(Receptionist.deregister(key, getContext().getSelf()));
      attachments.values().forEach(attachment -> attachment.tell(Attachment.Drain.INSTANCE));
    } else {
      drained.whenComplete((done, error) -> drain.drained().complete(Done.getInstance()));
    }
    return drainedIfDone();
  }

  private Behavior<Command> drainedIfDone() {
    if (drained != null && attachments.isEmpty()) {
      drained.complete(Done.getInstance());
      return Behaviors.stopped();
    }
    return this;
  }
}

package io.fetchpipe.cluster.internal;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.WorkerFactory;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.core.internal.Parts;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One pool attached to one node: the handler made from the pool's config and the node's workers for
 * that pool, its children. It watches the pool's router and stops (workers, handler and all) when
 * the router does, whether the pool was closed or its node was lost. Draining tells the router
 * these workers are going, then lets each finish its job in hand.
 */
@InternalApi
final class Attachment extends AbstractBehavior<Attachment.Command> {

  /** Messages an attachment understands. */
  interface Command {}

  /** The node is leaving: no new jobs; stop once the jobs in hand are done. */
  enum Drain implements Command {
    INSTANCE
  }

  private enum RouterGone implements Command {
    INSTANCE
  }

  private record WorkerStopped(ActorRef<Worker.Command> worker) implements Command {}

  private final WorkerFactory.Serving<?, ?> serving;
  private final ActorRef<ThrottlingRouter.Command> router;
  private final List<ActorRef<Worker.Command>> workers = new ArrayList<>();
  private final Part part;

  private Attachment(
      ActorContext<Command> context,
      WorkerFactory.Serving<?, ?> serving,
      ActorRef<ThrottlingRouter.Command> router,
      Part part) {
    super(context);
    this.serving = serving;
    this.router = router;
    this.part = part;
  }

  static Behavior<Command> create(
      WorkerHost.Attach attach,
      int slots,
      WorkerFactory<?, ?> factory,
      ActorRef<WorkerHost.Command> host) {
    return Behaviors.setup(
        context -> {
          WorkerFactory.Serving<?, ?> serving;
          String poolName = attach.router().path().name();
          try {
            serving =
                factory.serve(
                    ConfigFactory.parseString(attach.poolConfig())
                        .withValue(
                            WorkerFactory.POOL_NAME, ConfigValueFactory.fromAnyRef(poolName)));
          } catch (RuntimeException e) {
            context
                .getLog()
                .warn("cannot serve a pool of {}: {}", attach.router().path(), e.getMessage());
            attach.replyTo().tell(new WorkerHost.Attached(host, List.of()));
            return Behaviors.stopped();
          }
          Part part = Parts.get(context.getSystem()).register(Part.Kind.WORKERS, poolName);
          Attachment attachment = new Attachment(context, serving, attach.router(), part);
          JobHandler<Object, Object> handler = erase(serving.handler());
          for (int i = 1; i <= slots; i++) {
            Behavior<Worker.Command> worker =
                Behaviors.supervise(Worker.create(handler, attach.router(), part))
                    .onFailure(
                        Exception.class, SupervisorStrategy.restart().withLoggingEnabled(false));
            ActorRef<Worker.Command> ref = context.spawn(worker, "worker-" + i);
            context.watchWith(ref, new WorkerStopped(ref));
            attachment.workers.add(ref);
          }
          context.watchWith(attach.router(), RouterGone.INSTANCE);
          attach.replyTo().tell(new WorkerHost.Attached(host, List.copyOf(attachment.workers)));
          return attachment;
        });
  }

  @SuppressWarnings("unchecked")
  private static JobHandler<Object, Object> erase(JobHandler<?, ?> handler) {
    return (JobHandler<Object, Object>) handler;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(RouterGone.INSTANCE, Behaviors::stopped)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onDrain() {
    router.tell(new ThrottlingRouter.WorkersUnavailable(List.copyOf(workers)));
    workers.forEach(worker -> worker.tell(Worker.Drain.INSTANCE));
    return workers.isEmpty() ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped stopped) {
    workers.remove(stopped.worker());
    return workers.isEmpty() ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onPostStop() {
    part.close();
    serving.stop();
    return this;
  }
}

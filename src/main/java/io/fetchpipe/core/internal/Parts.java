package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The {@link Part}s of one actor system that are alive now, and the observers watching them: an
 * observer hears of the parts that exist when it starts and of every one made later, and each part
 * closes its listeners when it goes. One per actor system (an extension).
 */
@InternalApi
public final class Parts implements Extension {
  private static final ExtensionId<Parts> ID =
      new ExtensionId<>() {
        @Override
        public Parts createExtension(ActorSystem<?> system) {
          return new Parts();
        }
      };

  // Live parts with the listeners attached to each, by observer.
  private final Map<Part, Map<PartObserver, PartObserver.Listener>> live = new HashMap<>();
  private final List<PartObserver> observers = new ArrayList<>();

  private Parts() {}

  /** The parts of {@code system}. */
  public static Parts get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * A new live part; its name gets a suffix ({@code -2}, ...) if a live part of its kind has it.
   */
  public synchronized Part register(Part.Kind kind, String name, IntSupplier openConnections) {
    String unique = name;
    for (int n = 2; taken(kind, unique); n++) {
      unique = name + "-" + n;
    }
    Part part = new Part(this, kind, unique, openConnections);
    Map<PartObserver, PartObserver.Listener> listeners = new HashMap<>();
    live.put(part, listeners);
    for (PartObserver observer : observers) {
      attach(observer, part, listeners);
    }
    return part;
  }

  /** A new live part without connections. */
  public Part register(Part.Kind kind, String name) {
    return register(kind, name, () -> 0);
  }

  private boolean taken(Part.Kind kind, String name) {
    return live.keySet().stream().anyMatch(part -> part.kind() == kind && part.name().equals(name));
  }

  private static void attach(
      PartObserver observer, Part part, Map<PartObserver, PartObserver.Listener> listeners) {
    PartObserver.Listener listener = observer.attach(part);
    listeners.put(observer, listener);
    part.listen(listener);
  }

  /**
   * Starts {@code observer} on every live part and every later one; the returned action stops it.
   */
  public synchronized Runnable observe(PartObserver observer) {
    observers.add(observer);
    live.forEach((part, listeners) -> attach(observer, part, listeners));
    return () -> stop(observer);
  }

  private synchronized void stop(PartObserver observer) {
    if (observers.remove(observer)) {
      live.forEach(
          (part, listeners) -> {
            PartObserver.Listener listener = listeners.remove(observer);
            if (listener != null) {
              part.unlisten(listener);
              listener.detach();
            }
          });
    }
  }

  synchronized void remove(Part part) {
    Map<PartObserver, PartObserver.Listener> listeners = live.remove(part);
    if (listeners != null) {
      listeners
          .values()
          .forEach(
              listener -> {
                part.unlisten(listener);
                listener.detach();
              });
    }
  }

  /** The live parts, for tests and diagnostics. */
  public synchronized List<Part> live() {
    return List.copyOf(live.keySet());
  }
}

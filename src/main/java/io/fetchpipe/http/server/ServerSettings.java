package io.fetchpipe.http.server;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Limits of the embedded test server, from {@code fetchpipe.server}.
 *
 * @param maxDelay longest {@code /delay/{seconds}} accepted
 * @param maxBytes largest {@code /bytes/{n}} and {@code /gzip-bytes/{n}} accepted
 * @param maxRequestBody largest request body {@code /anything} reads and echoes
 * @param timerTick scheduler tick of the actor system {@code fetchpipe serve} creates: delays end
 *     on a tick, so it bounds how late a {@code /delay} answer can be
 */
public record ServerSettings(Duration maxDelay, long maxBytes, long maxRequestBody, Duration timerTick) {

  /** Reads {@code fetchpipe.server} from the system's config. */
  public static ServerSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code fetchpipe.server} from a full config. */
  public static ServerSettings create(Config root) {
    Config c = root.getConfig("fetchpipe.server");
    return new ServerSettings(c.getDuration("max-delay"), c.getBytes("max-bytes"), c.getBytes("max-request-body"),
        c.getDuration("timer-tick"));
  }
}

package io.fetchpipe.queue;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.MailboxSelector;

/**
 * A producer/consumer pipeline's shape, from {@code fetchpipe.queue}: the queue's capacity ({@code
 * asyncio.Queue(maxsize)}), how many consumers, the bound of every pipeline actor's mailbox (a
 * safety net: flow control keeps mailboxes far below it), and the dispatcher the pipeline's actors
 * and its input stream run on.
 *
 * @param queueCapacity items the producer may hold that no consumer has taken yet
 * @param consumers number of consumer actors
 * @param mailboxCapacity bound of each pipeline actor's mailbox
 * @param dispatcher config path of the dispatcher, or {@code "default"} for the system's default
 */
public record PipelineSettings(
    int queueCapacity, int consumers, int mailboxCapacity, String dispatcher) {
  private static final SettingKey<PipelineSettings, Integer> CAPACITY =
      SettingKey.ofInt("capacity", PipelineSettings::queueCapacity);
  private static final SettingKey<PipelineSettings, Integer> CONSUMERS =
      SettingKey.ofInt("consumers", PipelineSettings::consumers);
  private static final SettingKey<PipelineSettings, Integer> MAILBOX_CAPACITY =
      SettingKey.ofInt("mailbox-capacity", PipelineSettings::mailboxCapacity);
  private static final SettingKey<PipelineSettings, String> DISPATCHER =
      SettingKey.ofString("dispatcher", PipelineSettings::dispatcher);
  private static final SettingsTable<PipelineSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.queue",
          v ->
              new PipelineSettings(
                  v.get(CAPACITY), v.get(CONSUMERS), v.get(MAILBOX_CAPACITY), v.get(DISPATCHER)),
          CAPACITY,
          CONSUMERS,
          MAILBOX_CAPACITY,
          DISPATCHER);

  /** The library's default dispatcher for a pipeline: the actor system's default dispatcher. */
  public static final String DEFAULT_DISPATCHER = "default";

  /** Validates the values. */
  public PipelineSettings {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
    }
    if (consumers < 1) {
      throw new IllegalArgumentException("consumers must be at least 1, got " + consumers);
    }
    // A producer's mailbox holds at most one stream element, one demand per consumer and a
    // completion signal; anything smaller could drop a message.
    if (mailboxCapacity < consumers + 2) {
      throw new IllegalArgumentException(
          "mailbox capacity must be at least consumers + 2 ("
              + (consumers + 2)
              + "), got "
              + mailboxCapacity);
    }
    if (dispatcher == null || dispatcher.isBlank()) {
      throw new IllegalArgumentException("dispatcher must be a config path or \"default\"");
    }
  }

  /** Settings on the library's default dispatcher ({@value #DEFAULT_DISPATCHER}). */
  public PipelineSettings(int queueCapacity, int consumers, int mailboxCapacity) {
    this(queueCapacity, consumers, mailboxCapacity, DEFAULT_DISPATCHER);
  }

  /** Reads {@code fetchpipe.queue} from the system's config. */
  public static PipelineSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code fetchpipe.queue} from a full config. */
  public static PipelineSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.queue} as {@code reference.conf} has it. */
  public static PipelineSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.queue} section of a config, which {@link
   * #create(Config)} reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<PipelineSettings> keys() {
    return KEYS;
  }

  /** A copy with another queue capacity ({@code capacity}). */
  public PipelineSettings withQueueCapacity(int value) {
    return KEYS.with(this, CAPACITY, value);
  }

  /** A copy with another number of consumers; the mailbox bound grows to fit if needed. */
  public PipelineSettings withConsumers(int value) {
    return KEYS.copy(
        this,
        v -> v.with(CONSUMERS, value).with(MAILBOX_CAPACITY, Math.max(mailboxCapacity, value + 2)));
  }

  /** A copy with another mailbox bound. */
  public PipelineSettings withMailboxCapacity(int value) {
    return KEYS.with(this, MAILBOX_CAPACITY, value);
  }

  /** A copy on another dispatcher (a config path, or {@code "default"}). */
  public PipelineSettings withDispatcher(String value) {
    return KEYS.with(this, DISPATCHER, value);
  }

  /** The bounded mailbox every pipeline actor is spawned with. */
  public MailboxSelector mailbox() {
    return MailboxSelector.bounded(mailboxCapacity);
  }
}

package example.firsthour;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps what the test run logs that it should not: anything at WARN or above, and anything with a
 * stack trace. {@code logback-test.xml} attaches it to the root logger; {@link QuietLogTest} reads
 * it last.
 */
public final class LogRecorder extends AppenderBase<ILoggingEvent> {
  static final List<String> LOUD = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.WARN) || event.getThrowableProxy() != null) {
      LOUD.add(
          event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage());
    }
  }
}

package io.fetchpipe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The command line's logging, set up in code before anything logs: off unless asked for with {@code
 * --verbose} (then warnings, errors and, twice verbose, Pekko's info on stderr; stdout carries
 * results only). A user-triggered problem is one line from the command itself, never a log entry.
 * {@code -Dlogback.configurationFile=...} replaces all of this.
 */
final class CliLogging {
  private CliLogging() {}

  /** Configures logging for a command run at {@code verbosity} (0: off, 1: warnings, 2+: info). */
  static void configure(int verbosity) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (verbosity <= 0) {
      root.setLevel(Level.OFF);
      return;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    root.setLevel(verbosity == 1 ? Level.WARN : Level.INFO);
    root.addAppender(stderr);
  }
}

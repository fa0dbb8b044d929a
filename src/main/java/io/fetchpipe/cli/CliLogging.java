package io.fetchpipe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging, set up in code: warnings and errors on stderr (stdout carries
 * results only), Pekko at WARN, and nothing from Pekko's TCP listener, whose report of a failed
 * bind is a stack trace that {@code fetchpipe serve} replaces with one line. Parsing an XML
 * configuration instead cost a noticeable part of every start-up.
 *
 * <p>Logback finds this class through {@code META-INF/services} in any application that has
 * fetchpipe on its class path, so it only acts when {@link Main} asked for it (the {@value
 * #ACTIVE} system property) and {@code logback.configurationFile} is not set: an application's own
 * logging configuration always wins.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
  /** System property that {@link Main} sets before logging starts. */
  static final String ACTIVE = "fetchpipe.cli.logging";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!Boolean.getBoolean(ACTIVE) || System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
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
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    context.getLogger("org.apache.pekko").setLevel(Level.WARN);
    context.getLogger("org.apache.pekko.io.TcpListener").setLevel(Level.OFF);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}

package com.example.template.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * What the node logs while a test runs: every line at WARN and above from any logger (the test
 * config's root level), and the DEBUG lines of the classes asked for. The levels it changed are
 * put back on close.
 */
final class CapturedLog implements AutoCloseable {

  private static final List<String> QUIETED_IN_TESTS = List.of("io.vertx.core.net.impl.ConnectionBase",
      "io.vertx.core.http.impl.HttpClientRequestImpl", "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus");

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Map<Logger, Level> previous = new HashMap<>();

  CapturedLog(Class<?>... debugOf) {
    // The loggers logback-test.xml quiets (connections the tests break on purpose) speak again
    // while a test captures: its "no ERROR" assertions must see what they would say.
    for (String name : QUIETED_IN_TESTS) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      previous.put(logger, logger.getLevel());
      logger.setLevel(Level.WARN);
    }
    for (Class<?> type : debugOf) {
      Logger logger = (Logger) LoggerFactory.getLogger(type);
      previous.put(logger, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    appender.start();
    root.addAppender(appender);
  }

  /** The formatted messages logged at this level so far, from any logger. */
  List<String> at(Level level) {
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /**
   * The messages at this level once there are at least {@code count}, or all of them when the
   * time is up: a node logs on its own event loop, a moment after the client saw the result.
   */
  List<String> await(Level level, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (at(level).size() < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return at(level);
  }

  /** Every event at ERROR so far, with its logger and any stack trace's first line, for failure messages. */
  List<String> errors() {
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getLevel() == Level.ERROR)
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName()))
          .toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    previous.forEach(Logger::setLevel);
  }
}

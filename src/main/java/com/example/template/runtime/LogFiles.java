package com.example.template.runtime;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log file of a launcher or of one child: Logback's rolling file appender, added to the root
 * logger beside the console appender of {@code conf/logback.xml}, with that appender's pattern.
 * The file rolls to {@code FILE.1} when it passes {@value #MAX_FILE_SIZE} and keeps
 * {@value #MAX_FILES} rolled files, the oldest deleted: both are properties of
 * {@code conf/logback.xml}, where the operator looks for everything about logging.
 *
 * <p>It is added here rather than declared in {@code conf/logback.xml} because only the launcher
 * and its children write a file (a single node and the verbs log to the console only), and
 * Logback without Janino has no conditional appender: one declared but not referenced prints a
 * page of Logback's status at every start.
 */
public final class LogFiles {

  /** Property of {@code conf/logback.xml}: the size at which a log file rolls (Logback's "10MB"). */
  public static final String MAX_FILE_SIZE = "LOG_MAX_FILE_SIZE";

  /** Property of {@code conf/logback.xml}: how many rolled files are kept besides the live one. */
  public static final String MAX_FILES = "LOG_MAX_FILES";

  static final String DEFAULT_MAX_FILE_SIZE = "10MB";
  static final int DEFAULT_MAX_FILES = 5;
  // Logback's rolling window holds at most 20 files.
  private static final int MOST_FILES = 20;
  private static final String DEFAULT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} %msg%n";
  // Logback looks at the file's size at most this often (its default is once a minute, long
  // enough for a chatty process to write several times the limit).
  private static final Duration SIZE_CHECK = Duration.buildByMilliseconds(1_000);

  private LogFiles() {
  }

  /**
   * Makes this process log to {@code file} too.
   *
   * @param prefix put before every line (a child's {@code [app-1.2] }, since the generations of a
   *     slot share its file), or ""
   * @param console whether the console keeps its lines: a background process has no terminal, and
   *     what its stdout gets lands in a file that does not roll
   */
  public static void write(Path file, String prefix, boolean console) {
    write((LoggerContext) LoggerFactory.getILoggerFactory(), file, prefix, console);
  }

  static void write(LoggerContext context, Path file, String prefix, boolean console) {
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<ConsoleAppender<ILoggingEvent>> consoles = new ArrayList<>();
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      if (appender instanceof ConsoleAppender<ILoggingEvent> consoleAppender) {
        consoles.add(consoleAppender);
      }
    }
    String pattern = consoles.stream().map(ConsoleAppender::getEncoder)
        .filter(PatternLayoutEncoder.class::isInstance).map(e -> ((PatternLayoutEncoder) e).getPattern())
        .findFirst().orElse(DEFAULT_PATTERN);

    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(file.toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(maxFiles(context));
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SharedFileTrigger(appender);
    trigger.setContext(context);
    trigger.setMaxFileSize(maxFileSize(context));
    trigger.setCheckIncrement(SIZE_CHECK);
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.setEncoder(encoder(context, prefix + pattern));
    rolling.start();
    trigger.start();
    appender.start();
    root.addAppender(appender);
    if (!console) {
      consoles.forEach(c -> {
        root.detachAppender(c);
        c.stop();
      });
    }
  }

  /**
   * The size trigger, for a file two processes may share: during a reload the new child of a slot
   * and the old one, draining, both write its file. When the other one rolls it, this one would go
   * on writing into the renamed file, and the live file would get no more of its lines; so at
   * each size check, a path that is no longer the file this appender writes is opened anew. (It
   * also reopens once after this appender's own roll: the same new file, appended to.)
   */
  private static final class SharedFileTrigger extends SizeBasedTriggeringPolicy<ILoggingEvent> {
    private final FileAppender<ILoggingEvent> appender;
    private Object writing;
    private long nextCheck;

    SharedFileTrigger(FileAppender<ILoggingEvent> appender) {
      this.appender = appender;
    }

    // Called under the appender's rolling lock, as a roll is.
    @Override
    public boolean isTriggeringEvent(File activeFile, ILoggingEvent event) {
      long now = System.currentTimeMillis();
      if (now >= nextCheck) {
        nextCheck = now + SIZE_CHECK.getMilliseconds();
        Object current = fileKey(activeFile);
        if (writing == null) {
          writing = current;
        } else if (current != null && !current.equals(writing)) {
          try {
            appender.openFile(activeFile.getPath());
            writing = current;
          } catch (IOException e) {
            addError("cannot reopen " + activeFile + ": " + e.getMessage(), e);
          }
        }
      }
      return super.isTriggeringEvent(activeFile, event);
    }

    private static Object fileKey(File file) {
      try {
        return Files.readAttributes(file.toPath(), BasicFileAttributes.class).fileKey();
      } catch (IOException e) {
        return null; // renamed by the other writer, not yet begun anew: look next time
      }
    }
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

  private static FileSize maxFileSize(LoggerContext context) {
    String size = context.getProperty(MAX_FILE_SIZE);
    try {
      return FileSize.valueOf(size != null ? size.trim() : DEFAULT_MAX_FILE_SIZE);
    } catch (IllegalArgumentException e) {
      LoggerFactory.getLogger(LogFiles.class).warn("{} '{}' in the logback configuration is no size like 10MB: using {}",
          MAX_FILE_SIZE, size, DEFAULT_MAX_FILE_SIZE);
      return FileSize.valueOf(DEFAULT_MAX_FILE_SIZE);
    }
  }

  private static int maxFiles(LoggerContext context) {
    String count = context.getProperty(MAX_FILES);
    try {
      int value = count != null ? Integer.parseInt(count.trim()) : DEFAULT_MAX_FILES;
      return Math.max(1, Math.min(MOST_FILES, value));
    } catch (NumberFormatException e) {
      LoggerFactory.getLogger(LogFiles.class).warn("{} '{}' in the logback configuration is no number: keeping {}",
          MAX_FILES, count, DEFAULT_MAX_FILES);
      return DEFAULT_MAX_FILES;
    }
  }
}

package com.example.template.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import com.example.template.support.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process's log file, with a Logback context of its own configured as conf/logback.xml would. */
class LogFilesTest {

  @TempDir
  Path dir;

  private final LoggerContext context = newContext();

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void theFileRollsAtItsSizeAndTheOldestIsDeleted() {
    context.putProperty(LogFiles.MAX_FILE_SIZE, "2KB");
    context.putProperty(LogFiles.MAX_FILES, "2");
    Path file = dir.resolve("logs/app-1.log");
    LogFiles.write(context, file, "[app-1.1] ", false);
    Logger log = context.getLogger("test");

    AtomicInteger written = new AtomicInteger();
    // A few lines at every look: the size is checked at most once a second.
    Conditions.await("the first line to be deleted with the oldest file", Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 10; i++) {
        log.info("line {} of some length, to fill two kilobytes in a few dozen lines", written.getAndIncrement());
      }
      return Files.exists(file.resolveSibling("app-1.log.2")) && !anyContains(file, "line 0 ");
    });

    assertThat(Files.exists(file.resolveSibling("app-1.log.1"))).isTrue();
    assertThat(Files.exists(file.resolveSibling("app-1.log.3"))).as("only two rolled files are kept").isFalse();
    // Never rolled early; checked once a second, a file passes its size by what a second writes
    // (here some 200 lines, 16 KB).
    for (String rolled : List.of("app-1.log.1", "app-1.log.2")) {
      assertThat(size(file.resolveSibling(rolled))).isBetween(2048L, 256 * 1024L);
    }
    assertThat(lines(file)).isNotEmpty().allMatch(line -> line.startsWith("[app-1.1] ") && line.contains(" INFO  "));
  }

  @Test
  void aProcessWhoseSharedFileTheOtherRolledWritesToTheNewFile() {
    // Two children of one slot during a reload: the old one rolls the file they share.
    context.putProperty(LogFiles.MAX_FILE_SIZE, "2KB");
    Path file = dir.resolve("app-1.log");
    LogFiles.write(context, file, "[app-1.1] ", false);
    LoggerContext other = newContext();
    LogFiles.write(other, file, "[app-1.2] ", false);
    Logger old = context.getLogger("test");
    Logger replacement = other.getLogger("test");
    replacement.info("first line of the replacement");
    try {
      AtomicInteger written = new AtomicInteger();
      Conditions.await("the old child to roll the file", Duration.ofSeconds(30), () -> {
        for (int i = 0; i < 10; i++) {
          old.info("line {} of the old child, some fifty bytes long", written.getAndIncrement());
        }
        return Files.exists(file.resolveSibling("app-1.log.1"));
      });
      AtomicInteger later = new AtomicInteger();
      Conditions.await("the replacement's lines in the new file", Duration.ofSeconds(10), () -> {
        replacement.info("replacement line {}", later.getAndIncrement());
        return lines(file).stream().anyMatch(line -> line.startsWith("[app-1.2] ") && line.contains("replacement line"));
      });
    } finally {
      other.stop();
    }
  }

  @Test
  void theConsoleKeepsItsLinesOnlyWhenAsked() {
    ConsoleAppender<ILoggingEvent> console = console();
    LogFiles.write(context, dir.resolve("launcher.log"), "", true);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDOUT")).isSameAs(console);
    root.info("to both");
    assertThat(lines(dir.resolve("launcher.log"))).singleElement().asString().isEqualTo("INFO  to both");

    LoggerContext background = newContext();
    ConsoleAppender<ILoggingEvent> quiet = consoleOf(background);
    LogFiles.write(background, dir.resolve("background.log"), "", false);
    assertThat(background.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    assertThat(quiet.isStarted()).isFalse();
    background.stop();
  }

  private static LoggerContext newContext() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    return context;
  }

  private ConsoleAppender<ILoggingEvent> console() {
    return consoleOf(context);
  }

  // The console appender of conf/logback.xml; its pattern is the file's too.
  private static ConsoleAppender<ILoggingEvent> consoleOf(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%-5level %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(console);
    return console;
  }

  private static boolean anyContains(Path file, String text) {
    try (var files = Files.list(file.getParent())) {
      return files.anyMatch(f -> lines(f).stream().anyMatch(line -> line.contains(text)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package com.example.template.cli;

import com.example.template.runtime.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/run.sh logs [ID|NAME] [-f] [--lines N]}: PM2's {@code logs}. The launcher's log, or
 * one slot's ({@code logs 1}), or one child's lines in its slot's file ({@code logs app-1.2}); it
 * reads the files in the run directory ({@link RunLogs}), so it works for a launcher in the
 * foreground or the background, and after it stopped.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Prints the last lines of the launcher's log, or of one child's (and follows it with -f).")
final class LogsCommand implements Callable<Integer> {

  private static final long FOLLOW_POLL_MS = 200;

  @ParentCommand
  RunCommand parent;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "The configuration the launcher was started with, if not conf/config.json.")
  String conf;

  @Parameters(arity = "0..1", paramLabel = "ID|NAME",
      description = "A slot id (1) or a child's name (app-1.2); without it, the launcher's own log.")
  String target;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they come, across the file's rotation.")
  boolean follow;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50",
      description = "How many of the last lines to print first (default: ${DEFAULT-VALUE}).")
  int lines;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path runDir = ControlVerb.runDir(parent.home, conf);
    Path log;
    Predicate<String> shown = line -> true;
    if (target == null) {
      log = RunLogs.launcher(runDir);
    } else if (target.matches("\\d+")) {
      log = RunLogs.slot(runDir, Integer.parseInt(target));
    } else {
      log = RunLogs.child(runDir, target);
      if (log == null) {
        System.err.println("error: '" + target + "' is neither a slot id (1) nor a child's name (app-1.2)");
        return ExitCodes.USAGE;
      }
      if (target.contains(".")) {
        String prefix = "[" + target + "] ";
        shown = line -> line.startsWith(prefix);
      }
    }
    if (!Files.exists(log)) {
      System.err.println("error: no log at " + log + " (no launcher has run with " + runDir + ", or no such child)");
      return ExitCodes.NO_LAUNCHER;
    }
    // Leniently decoded: a JVM's crash report may carry bytes that are not UTF-8.
    List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().filter(shown).toList();
    all.subList(Math.max(0, all.size() - Math.max(0, lines)), all.size()).forEach(System.out::println);
    System.out.flush();
    if (follow) {
      new Follower(log, shown).run();
    }
    return ExitCodes.OK;
  }

  /**
   * Prints what is appended to the file until interrupted (Ctrl-C), as {@code tail -F} does: when
   * Logback rolls the file (renames it and starts a new one), it prints the rest of the old file,
   * then the new one from its start.
   */
  private static final class Follower {
    private final Path log;
    private final Predicate<String> shown;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private FileChannel channel;
    private Object fileKey;

    Follower(Path log, Predicate<String> shown) {
      this.log = log;
      this.shown = shown;
    }

    void run() throws IOException, InterruptedException {
      channel = FileChannel.open(log, StandardOpenOption.READ);
      fileKey = key();
      channel.position(channel.size());
      while (true) {
        drain();
        Object current = key();
        if (current != null && !Objects.equals(current, fileKey)) {
          drain(); // the old file's last lines, written before the roll
          channel.close();
          channel = FileChannel.open(log, StandardOpenOption.READ);
          fileKey = current;
          partial.reset();
        } else if (channel.size() < channel.position()) {
          channel.position(0); // truncated in place
        }
        Thread.sleep(FOLLOW_POLL_MS);
      }
    }

    private Object key() throws IOException {
      try {
        return Files.readAttributes(log, BasicFileAttributes.class).fileKey();
      } catch (NoSuchFileException e) {
        return null; // between the roll's rename and the new file: look again next time
      }
    }

    private void drain() throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (channel.read(buffer) > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b == '\n') {
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            if (shown.test(line)) {
              System.out.println(line);
            }
          } else {
            partial.write(b);
          }
        }
        buffer.clear();
      }
      System.out.flush();
    }
  }
}

package com.example.template.cli;

import com.example.template.launcher.Launcher;
import com.example.template.runtime.ExitCodes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/run.sh logs [-f]}: the background launcher's output, every child's lines prefixed
 * with its name (PM2's {@code logs}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Prints the output of the launcher started with 'start' (and follows it with -f).")
final class LogsCommand implements Callable<Integer> {

  private static final long FOLLOW_POLL_MS = 200;

  @ParentCommand
  RunCommand parent;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "The configuration the launcher was started with, if not conf/config.json.")
  String conf;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they come.")
  boolean follow;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50",
      description = "How many of the last lines to print first (default: ${DEFAULT-VALUE}).")
  int lines;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path log = ControlVerb.runDir(parent.home, conf).resolve(Launcher.LOG_FILE);
    if (!Files.exists(log)) {
      System.err.println("error: no log at " + log + " (a launcher started in the foreground prints to its terminal)");
      return ExitCodes.NO_LAUNCHER;
    }
    List<String> all = Files.readAllLines(log);
    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
    if (follow) {
      follow(log, Files.size(log));
    }
    return ExitCodes.OK;
  }

  // Until interrupted (Ctrl-C): print what is appended, as tail -f does.
  private static void follow(Path log, long from) throws IOException, InterruptedException {
    long position = from;
    while (true) {
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        if (file.length() < position) {
          position = 0; // the file was truncated or replaced
        }
        file.seek(position);
        byte[] fresh = new byte[(int) (file.length() - position)];
        file.readFully(fresh);
        position += fresh.length;
        System.out.print(new String(fresh, StandardCharsets.UTF_8));
        System.out.flush();
      }
      Thread.sleep(FOLLOW_POLL_MS);
    }
  }
}

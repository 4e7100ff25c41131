package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/run.sh monit}: PM2's {@code monit}. Once a second it asks the launcher for its
 * children over the control socket ({@code list}) and shows one row each, with the last lines of
 * the launcher's log below. On a terminal it draws a dashboard on the alternate screen ({@code q}
 * or Ctrl-C quits and gives the terminal back as it was); elsewhere (a pipe, a file) it prints one
 * plain line per child per refresh, until {@code --count} refreshes, Ctrl-C, or its reader leaves.
 *
 * <p>Each column shows a key of {@code list}'s child if the launcher reports it, else "-":
 * {@code reqPerSec} (else the rate of {@code requests} between two refreshes), {@code p99Ms},
 * {@code loopDelayMs}, {@code jobsInFlight}, {@code jobsQueued}, {@code workerUse} (busy/all).
 * p99 and queued come from the child's meters, so they show with {@code management.enabled}.
 */
@Command(name = "monit", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Shows the children live, refreshed every second (q or Ctrl-C quits); "
        + "one plain line per child per second when not on a terminal.")
final class MonitCommand extends ControlVerb {

  private static final long REFRESH_MS = 1_000;
  private static final int EVENTS = 5;
  private static final String[] HEADERS = {"id", "name", "pid", "state", "uptime", "restarts", "cpu", "memory",
      "req/s", "p99", "loop delay", "jobs", "queued", "workers"};
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  // ANSI: the alternate screen, the cursor hidden, home and clear.
  private static final String ENTER = "\033[?1049h\033[?25l";
  private static final String LEAVE = "\033[?25h\033[?1049l";
  private static final String HOME_CLEAR = "\033[H\033[2J";

  @Option(names = "--count", paramLabel = "N",
      description = "Stop after N refreshes (default: until q or Ctrl-C).")
  Integer count;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    try {
      return System.console() != null ? dashboard(client) : plain(client);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    }
  }

  // Not a terminal: one line per child per refresh, for a script or a log.
  private int plain(ControlClient client) throws ControlClient.NoLauncherException, IOException, InterruptedException {
    for (int done = 0; count == null || done < count; done++) {
      if (done > 0) {
        Thread.sleep(REFRESH_MS);
      }
      JsonObject answer = client.call(new JsonObject().put("cmd", "list"));
      if (failed(answer)) {
        return ExitCodes.FAILED;
      }
      String now = LocalTime.now().format(CLOCK);
      for (String[] row : rows(answer.getJsonArray("children"))) {
        StringBuilder line = new StringBuilder(now);
        for (int i = 0; i < HEADERS.length; i++) {
          line.append(' ').append(HEADERS[i].replace(" ", "")).append('=').append(row[i]);
        }
        System.out.println(line);
      }
      System.out.flush();
      if (System.out.checkError()) {
        return ExitCodes.OK; // whoever read our output is gone (head, a closed pipe)
      }
    }
    return ExitCodes.OK;
  }

  // A terminal: raw keys (no echo, no line buffering; Ctrl-C still signals), the alternate
  // screen, and the terminal put back on every way out, a signal included.
  private int dashboard(ControlClient client) throws ControlClient.NoLauncherException, IOException, InterruptedException {
    String saved = stty("-g").trim();
    PrintStream out = System.out;
    Thread restore = new Thread(() -> {
      out.print(LEAVE);
      out.flush();
      stty(saved);
    }, "monit-restore");
    Runtime.getRuntime().addShutdownHook(restore);
    stty("-icanon", "-echo", "min", "1");
    out.print(ENTER);
    CountDownLatch quit = new CountDownLatch(1);
    watchKeys(System.in, quit);
    try {
      for (int done = 0; count == null || done < count; done++) {
        JsonObject answer = client.call(new JsonObject().put("cmd", "list"));
        if (answer.containsKey("error")) {
          break;
        }
        out.print(HOME_CLEAR + screen(answer, columns()));
        out.flush();
        if (quit.await(REFRESH_MS, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    } finally {
      // Also when the launcher stopped while we watched: its error line comes on the screen given back.
      Runtime.getRuntime().removeShutdownHook(restore);
      restore.run();
    }
    return ExitCodes.OK;
  }

  private static void watchKeys(InputStream in, CountDownLatch quit) {
    Thread keys = new Thread(() -> {
      try {
        int key;
        while ((key = in.read()) != -1) {
          if (key == 'q' || key == 'Q') {
            break;
          }
        }
      } catch (IOException e) {
        // no keyboard: quit as on q
      }
      quit.countDown();
    }, "monit-keys");
    keys.setDaemon(true);
    keys.start();
  }

  private String screen(JsonObject answer, int columns) {
    JsonArray children = answer.getJsonArray("children");
    StringBuilder text = new StringBuilder();
    text.append("launcher pid ").append(answer.getValue("pid")).append(", ").append(children.size())
        .append(" children, ").append(LocalTime.now().format(CLOCK)).append("    q quits\n\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    rows.addAll(rows(children));
    text.append(table(rows, columns));
    Path log = RunLogs.launcher(runDir());
    text.append("\nlatest launcher events (").append(log).append("):\n");
    for (String line : lastLines(log, EVENTS)) {
      text.append(clip(line, columns)).append('\n');
    }
    return text.toString();
  }

  private static List<String[]> rows(JsonArray children) {
    List<String[]> rows = new ArrayList<>();
    for (Object item : children) {
      JsonObject child = (JsonObject) item;
      rows.add(Stream.concat(Stream.of(ChildTable.leadingCells(child)), Stream.of(
          child.containsKey("cpuPercent") ? child.getValue("cpuPercent") + "%" : "-",
          child.containsKey("rssBytes") ? String.format("%.1fMB", child.getLong("rssBytes") / (1024.0 * 1024.0)) : "-",
          shown(child, "reqPerSec"),
          child.containsKey("p99Ms") ? "<=" + child.getValue("p99Ms") + "ms" : "-",
          child.containsKey("loopDelayMs") ? child.getValue("loopDelayMs") + "ms" : "-",
          shown(child, "jobsInFlight"),
          shown(child, "jobsQueued"),
          shown(child, "workerUse"))).toArray(String[]::new));
    }
    return rows;
  }

  private static String shown(JsonObject child, String key) {
    return child.containsKey(key) ? String.valueOf(child.getValue(key)) : "-";
  }

  private static String table(List<String[]> rows, int columns) {
    StringBuilder table = new StringBuilder();
    ChildTable.aligned(rows).forEach(line -> table.append(clip(line, columns)).append('\n'));
    return table.toString();
  }

  private static String clip(String line, int columns) {
    return line.length() > columns ? line.substring(0, columns) : line;
  }


  /** The last lines of a file, reading only its end (a log may be megabytes). */
  static List<String> lastLines(Path file, int n) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, raf.length() - 16 * 1024);
      byte[] tail = new byte[(int) (raf.length() - from)];
      raf.seek(from);
      raf.readFully(tail);
      List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
      if (from > 0 && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // the first one is cut
      }
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
    }
  }

  // The terminal's width, asked at every refresh so that a resized window is filled; a terminal
  // that does not say (0) gets lines unclipped.
  private static int columns() {
    String[] size = stty("size").trim().split("\\s+");
    try {
      int columns = size.length == 2 ? Integer.parseInt(size[1]) : 0;
      return columns > 0 ? columns : Integer.MAX_VALUE;
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  // stty on the controlling terminal, whatever our stdin is.
  private static String stty(String... args) {
    List<String> command = new ArrayList<>(List.of("stty"));
    command.addAll(List.of(args));
    try {
      Process stty = new ProcessBuilder(command).redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      stty.waitFor(5, TimeUnit.SECONDS);
      return output;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

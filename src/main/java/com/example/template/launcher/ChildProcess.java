package com.example.template.launcher;

import com.example.template.control.LauncherHandoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One forked child JVM: the counterpart of {@code cluster.fork()}. It runs the same jar with the
 * launcher's own JVM flags, its output goes to the launcher's, each line prefixed with the
 * child's name. Its stdin carries the launcher's hand-off (the cluster identity, one line) and then
 * stays open: when the launcher dies, even by {@code kill -9}, the child reads end-of-file and
 * drains, so no child outlives its launcher.
 */
final class ChildProcess {

  private static final int KEPT_LINES = 20;

  private final String name;
  private final Process process;
  private final long startedAt = System.currentTimeMillis();
  private final Deque<String> lastLines = new ArrayDeque<>();

  private ChildProcess(String name, Process process, PrintStream out) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), out);
  }

  /**
   * Starts a child JVM. It boots, then waits for the hand-off on its stdin ({@link #handOver}).
   *
   * @param command its command line ({@link JvmCommand})
   * @param out where the child's prefixed output goes (the launcher's stdout)
   */
  static ChildProcess start(String name, List<String> command, PrintStream out) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildProcess(name, process, out);
  }

  /**
   * Writes the hand-off line the child reads before it joins the cluster. A few KB, far below a
   * pipe's buffer (64 KB on Linux): the write returns at once. The stream is left open on purpose.
   * A child that died before it could read it is left alone: its exit is handled through
   * {@link #onExit()}.
   */
  void handOver(LauncherHandoff handoff) {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.write(handoff.line().getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      // Broken pipe: the child is gone.
    }
  }

  private void pump(InputStream stream, PrintStream out) {
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          remember(line);
          out.println("[" + name + "] " + line);
        }
      } catch (IOException e) {
        // The child is gone; its exit is handled through onExit().
      }
    }, "output-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  private synchronized void remember(String line) {
    if (lastLines.size() == KEPT_LINES) {
      lastLines.removeFirst();
    }
    lastLines.addLast(line);
  }

  /**
   * Why the child stopped, in one line: its last {@code error:} line if it printed one (a startup
   * failure says what went wrong that way), else its exit code.
   */
  synchronized String reason(int exitCode) {
    for (var it = lastLines.descendingIterator(); it.hasNext(); ) {
      String line = it.next();
      if (line.startsWith("error: ")) {
        return line.substring("error: ".length());
      }
    }
    return "exited with code " + exitCode;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  long startedAt() {
    return startedAt;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the child exits, however it does. */
  CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGTERM: the child drains and exits 0 on its own. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: for a child that stopped answering and cannot drain. */
  void kill() {
    process.destroyForcibly();
  }
}

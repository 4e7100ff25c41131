package com.example.template.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end and captures what it printed: how the tests run the scripts and tools
 * a user runs ({@code bin/run.sh}, {@code bin/make-it-yours}, {@code git}, an example). Its stdin
 * is closed at once; one that outlives its timeout is killed and fails the test.
 */
public final class Commands {

  private Commands() {
  }

  /** What a command did: its exit code and its output, line by line. */
  public record Result(int exitCode, List<String> stdout, List<String> stderr, List<String> command) {

    /** The command, its exit code and every line it printed: the message of a failed assertion. */
    @Override
    public String toString() {
      return String.join(" ", command) + " -> " + exitCode + "\nout| " + String.join("\nout| ", stdout)
          + "\nerr| " + String.join("\nerr| ", stderr);
    }
  }

  public static Result run(List<String> command, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, directory, Map.of(), timeout);
  }

  /** @param environment added to this JVM's environment */
  public static Result run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    // Both streams read at once, each on a thread of its own: a command that fills one pipe while
    // nobody reads it would block (the common pool has one thread on two cores).
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), Commands::thread);
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), Commands::thread);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
    }
    return new Result(process.exitValue(), out.join().lines().toList(), err.join().lines().toList(), command);
  }

  private static void thread(Runnable reader) {
    Thread thread = new Thread(reader, "command-output");
    thread.setDaemon(true);
    thread.start();
  }

  private static String read(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package com.example.template.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The runnable jar started as a real process, exactly as {@code bin/run.sh} starts it:
 * {@code java @<home>/conf/jvm.options -Dapp.home=<home> -jar <jar> [args]}, in the application
 * home, with {@code HTTP_PORT=0} and {@code MANAGEMENT_PORT=0} so it listens on free ports.
 *
 * <p>Every line it writes, on stdout and stderr, is kept in order of arrival; tests wait for a
 * line by condition ({@link #awaitLine}), never by sleeping. Use it with try-with-resources:
 * {@link #close()} kills the process and every process it forked, so nothing outlives a test.
 *
 * <p>The jar and home come from the {@code app.jar} and {@code app.home} system properties, which
 * the failsafe configuration in {@code pom.xml} sets for {@code *IT} tests.
 */
public final class JarProcess implements AutoCloseable {

  /** The node's startup line; group 1 is the host, group 2 the port it really listens on. */
  public static final Pattern READY_LINE = Pattern.compile("ready: http (\\S+):(\\d+), ");

  /** The stream a line came from. */
  public enum Stream {
    STDOUT, STDERR
  }

  /** One line the process wrote. */
  public record Line(Stream stream, String text) {
    @Override
    public String toString() {
      return (stream == Stream.STDERR ? "err| " : "out| ") + text;
    }
  }

  private final String name;
  private final List<String> command;
  private final Process process;
  private final Object lock = new Object();
  private final List<Line> lines = new ArrayList<>(); // guarded by lock
  private int openStreams = 2; // guarded by lock
  private final List<Thread> readers;

  private JarProcess(String name, List<String> command, Process process) {
    this.name = name;
    this.command = List.copyOf(command);
    this.process = process;
    this.readers = List.of(
        reader(process.getInputStream(), Stream.STDOUT),
        reader(process.getErrorStream(), Stream.STDERR));
    readers.forEach(Thread::start);
  }

  /** Starts the jar with these arguments, {@code HTTP_PORT=0} and {@code MANAGEMENT_PORT=0}. */
  public static JarProcess start(String... args) {
    return builder().args(args).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How to start the jar: arguments, environment, extra JVM flags. */
  public static final class Builder {
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> wrapper = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String name = "app";
    private Path jar;
    private Path directory;
    private boolean homeProperty = true;
    private Path scriptHome;

    private Builder() {
      env.put("HTTP_PORT", "0");
      env.put("MANAGEMENT_PORT", "0"); // tests run side by side: none takes the default 9464
    }

    /** Arguments after {@code -jar <jar>}, e.g. {@code -instances 1}. */
    public Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /** Sets one environment variable; {@code null} removes it (even {@code HTTP_PORT}). */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** A JVM flag after {@code conf/jvm.options}, e.g. {@code -Dsomething=1}. */
    public Builder jvmArg(String flag) {
      jvmArgs.add(flag);
      return this;
    }

    /**
     * A command that runs the JVM, given its command line as arguments and exec'ing it (so the
     * pid stays the JVM's), e.g. one that first moves into a network namespace.
     */
    public Builder wrapper(String... command) {
      wrapper.addAll(List.of(command));
      return this;
    }

    /** A name for failure messages and reader threads. */
    public Builder name(String processName) {
      name = processName;
      return this;
    }

    /**
     * Runs this jar, from this working directory, without {@code -Dapp.home}: as a user who runs
     * {@code java -jar} by hand, wherever they are.
     */
    public Builder byHand(Path jarFile, Path workingDirectory) {
      jar = jarFile;
      directory = workingDirectory;
      homeProperty = false;
      return this;
    }

    /**
     * Runs {@code bin/run.sh} of this home with the arguments, as a user does, instead of the JVM
     * directly: the script picks the jar copy and the JVM flags (it execs the JVM, so the pid is
     * the JVM's). JVM flags go in {@code JAVA_OPTS}.
     */
    public Builder throughRunScript(Path home) {
      scriptHome = home;
      return this;
    }

    public JarProcess start() {
      return scriptHome != null ? startScript() : startJvm();
    }

    private JarProcess startScript() {
      List<String> command = new ArrayList<>(List.of(scriptHome.resolve("bin/run.sh").toString()));
      command.addAll(args);
      List<String> flags = new ArrayList<>(List.of("-Djava.io.tmpdir=" + ScratchDirs.root()));
      flags.addAll(jvmArgs);
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("JAVA_OPTS", String.join(" ", flags));
      return start(command, scriptHome);
    }

    private JarProcess startJvm() {
      Path home = appHome();
      List<String> command = new ArrayList<>(wrapper);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("@" + home.resolve("conf/jvm.options"));
      if (Runtime.version().feature() >= 23) {
        // What bin/run.sh adds on these JDKs (older ones refuse the flag): Hazelcast's Unsafe use.
        command.add("--sun-misc-unsafe-memory-access=allow");
      }
      if (args.contains("-processes") && Files.isRegularFile(home.resolve("conf/launcher-jvm.options"))) {
        // What bin/run.sh adds for a launcher; its children are forked without them.
        command.add("@" + home.resolve("conf/launcher-jvm.options"));
      }
      // What a killed process cannot clean up (Vert.x's file cache) goes where the suite removes it.
      command.add("-Djava.io.tmpdir=" + ScratchDirs.root());
      command.addAll(jvmArgs);
      if (homeProperty) {
        command.add("-Dapp.home=" + home);
      }
      command.add("-jar");
      command.add((jar != null ? jar : appJar()).toString());
      command.addAll(args);
      return start(command, directory != null ? directory : home);
    }

    private JarProcess start(List<String> command, Path directory) {
      ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
      env.forEach((key, value) -> {
        if (value == null) {
          builder.environment().remove(key);
        } else {
          builder.environment().put(key, value);
        }
      });
      try {
        Process process = builder.start();
        process.getOutputStream().close(); // no input: a process that reads stdin sees its end
        return new JarProcess(name, command, process);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
    }
  }

  /** The application home, from the {@code app.home} system property. */
  public static Path appHome() {
    return Path.of(requiredProperty("app.home")).toAbsolutePath().normalize();
  }

  /** The runnable jar, from the {@code app.jar} system property. */
  public static Path appJar() {
    Path jar = Path.of(requiredProperty("app.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no runnable jar at " + jar + ": run the tests with ./mvnw verify");
    }
    return jar;
  }

  private static String requiredProperty(String key) {
    String value = System.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + key
          + " is not set: end-to-end tests run through failsafe (./mvnw verify), which sets it");
    }
    return value;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal by name ({@code TERM}, {@code INT}, {@code KILL}, ...) to the process. */
  public void signal(String signal) {
    signal(pid(), signal);
  }

  /** Sends a signal by name to any process, e.g. a child JVM the launcher forked. */
  public static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
          .redirectErrorStream(true)
          .start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the first line, on either stream, in which the pattern is found. */
  public MatchResult awaitLine(Pattern pattern, Duration timeout) {
    return awaitLines(pattern, 1, timeout).get(0);
  }

  /**
   * Waits for the first line at or after {@code fromIndex} (see {@link #lineCount()}) in which
   * the pattern is found: for a line that must come after something the test did.
   */
  public MatchResult awaitLineAfter(int fromIndex, Pattern pattern, Duration timeout) {
    return await(fromIndex, pattern, 1, timeout).get(0);
  }

  /** Waits until {@code count} lines match, e.g. one ready line per child; returns the first {@code count}. */
  public List<MatchResult> awaitLines(Pattern pattern, int count, Duration timeout) {
    return await(0, pattern, count, timeout);
  }

  /** Waits for the node's ready line and returns the HTTP port it really listens on. */
  public int awaitHttpPort(Duration timeout) {
    return Integer.parseInt(awaitLine(READY_LINE, timeout).group(2));
  }

  private List<MatchResult> await(int fromIndex, Pattern pattern, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        List<MatchResult> found = new ArrayList<>();
        for (int i = fromIndex; i < lines.size() && found.size() < count; i++) {
          Matcher matcher = pattern.matcher(lines.get(i).text());
          if (matcher.find()) {
            found.add(matcher.toMatchResult());
          }
        }
        if (found.size() >= count) {
          return found;
        }
        String wanted = count + " line(s) matching /" + pattern + "/";
        if (openStreams == 0) {
          throw new AssertionError(name + " closed its output before writing " + wanted
              + " (exit code " + exitCodeOrAlive() + ")\n" + outputLocked());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(name + " did not write " + wanted + " within " + timeout.toMillis()
              + " ms (found " + found.size() + ")\n" + outputLocked());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + wanted, e);
        }
      }
    }
  }

  /**
   * Waits for the process to exit and for its output to be read to the end; returns the exit
   * code. Fails (leaving the process to {@link #close()}) when it is still running at the timeout.
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + timeout.toMillis() + " ms\n" + output());
      }
      for (Thread reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(5)); // a forked child may hold the pipe: do not wait on it forever
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
    }
    return process.exitValue();
  }

  /** Every line so far, in order of arrival. */
  public List<Line> lines() {
    synchronized (lock) {
      return List.copyOf(lines);
    }
  }

  /** The number of lines so far: a mark for {@link #awaitLineAfter}. */
  public int lineCount() {
    synchronized (lock) {
      return lines.size();
    }
  }

  public List<String> stdout() {
    return texts(Stream.STDOUT);
  }

  public List<String> stderr() {
    return texts(Stream.STDERR);
  }

  private List<String> texts(Stream stream) {
    return lines().stream().filter(line -> line.stream() == stream).map(Line::text).toList();
  }

  /** The command and everything the process wrote, for failure messages. */
  public String output() {
    synchronized (lock) {
      return outputLocked();
    }
  }

  private String outputLocked() {
    return "--- " + name + " (pid " + process.pid() + "): " + String.join(" ", command) + "\n"
        + lines.stream().map(Line::toString).collect(Collectors.joining("\n"))
        + "\n---";
  }

  private String exitCodeOrAlive() {
    return process.isAlive() ? "none yet" : Integer.toString(process.exitValue());
  }

  /**
   * Kills the process if it is still alive, and every process it forked: the snapshot of its
   * descendants is taken first, because once the parent is gone they are no longer its own.
   */
  @Override
  public void close() {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    family.add(0, process.toHandle());
    family.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : family) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("pid " + handle.pid() + " survived kill -9", e);
      }
    }
  }

  private Thread reader(InputStream input, Stream stream) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
        String text;
        while ((text = reader.readLine()) != null) {
          synchronized (lock) {
            lines.add(new Line(stream, text));
            lock.notifyAll();
          }
        }
      } catch (IOException e) {
        // The pipe closed under us (the process was killed): the output ends here.
      } finally {
        synchronized (lock) {
          openStreams--;
          lock.notifyAll();
        }
      }
    }, name + "-" + stream.name().toLowerCase());
    thread.setDaemon(true);
    return thread;
  }
}

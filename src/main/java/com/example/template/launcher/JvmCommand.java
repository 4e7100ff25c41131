package com.example.template.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The command line that starts the application's jar in a new JVM like this one: the same java
 * binary and the same JVM flags (those of {@code conf/jvm.options} and {@code JAVA_OPTS}: one place
 * sets them for every process), the jar given, and the application home and built jar named
 * explicitly, since the jar given is a copy that lives elsewhere.
 *
 * <p>A launcher also runs with the flags of {@code conf/launcher-jvm.options}: a launcher started
 * in the background gets them added, and a child never inherits them.
 */
public final class JvmCommand {

  /** The launcher's own JVM flags, beside {@code conf/jvm.options}. */
  public static final String LAUNCHER_OPTIONS = "conf/launcher-jvm.options";

  private final Path home;
  private final Path builtJar;
  private final List<String> flags;
  private final Set<String> launcherFlags;

  /**
   * @param home the application home, passed on as {@code -Dapp.home}
   * @param builtJar the jar the build writes, passed on as {@code -Dapp.jar}
   * @throws UncheckedIOException when {@code conf/launcher-jvm.options} is there but unreadable
   */
  public JvmCommand(Path home, Path builtJar) {
    this(home, builtJar, ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  /** @param flags this JVM's flags, as {@code RuntimeMXBean.getInputArguments()} gives them */
  JvmCommand(Path home, Path builtJar, List<String> flags) {
    this.home = home;
    this.builtJar = builtJar;
    this.flags = List.copyOf(flags);
    this.launcherFlags = launcherFlags(home.resolve(LAUNCHER_OPTIONS));
  }

  /** A launcher's child: this JVM's flags without the launcher's own. */
  public List<String> forChild(Path jar, List<String> mainArgs) {
    return command(jar, mainArgs, launcherFlags, List.of());
  }

  /** A launcher (in the background, started by {@code start}): this JVM's flags and the launcher's. */
  public List<String> forLauncher(Path jar, List<String> mainArgs) {
    // The flags are dropped first, so a launcher started by a launcher-flagged JVM has them once.
    return command(jar, mainArgs, launcherFlags,
        launcherFlags.isEmpty() ? List.of() : List.of("@" + home.resolve(LAUNCHER_OPTIONS)));
  }

  // java <flags> <added> -Dapp.home=... -Dapp.jar=... -jar <jar> <mainArgs>
  private List<String> command(Path jar, List<String> mainArgs, Set<String> dropped, List<String> added) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    boolean sameJar = jar.equals(runningJar());
    for (String flag : flags) {
      // The class-data archive is written by the process that was given the flag, never by the
      // processes it starts; and it only fits the jar it was recorded with (another jar would make
      // the JVM complain and load every class anew anyway).
      boolean archive = flag.startsWith("-XX:ArchiveClassesAtExit")
          || flag.startsWith("-XX:SharedArchiveFile") && !sameJar;
      boolean replaced = flag.startsWith("-Dapp.home=") || flag.startsWith("-Dapp.jar=");
      if (!archive && !replaced && !dropped.contains(flag)) {
        command.add(flag);
      }
    }
    command.addAll(added);
    command.add("-Dapp.home=" + home);
    command.add("-Dapp.jar=" + builtJar);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(mainArgs);
    return command;
  }

  // One flag per line (the file is a Java argument file, written that way), comments skipped.
  private static Set<String> launcherFlags(Path file) {
    if (!Files.isRegularFile(file)) {
      return Set.of();
    }
    try {
      return Files.readAllLines(file).stream().map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Path runningJar() {
    return Path.of(System.getProperty("java.class.path")).toAbsolutePath().normalize();
  }
}

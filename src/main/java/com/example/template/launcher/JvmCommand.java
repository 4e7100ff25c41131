package com.example.template.launcher;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts the application's jar in a new JVM like this one: the same java
 * binary and the same JVM flags (those of {@code conf/jvm.options} and {@code JAVA_OPTS}: one place
 * sets them for every process), the jar given, and the application home and built jar named
 * explicitly, since the jar given is a copy that lives elsewhere.
 */
public final class JvmCommand {

  private final Path home;
  private final Path builtJar;

  /**
   * @param home the application home, passed on as {@code -Dapp.home}
   * @param builtJar the jar the build writes, passed on as {@code -Dapp.jar}
   */
  public JvmCommand(Path home, Path builtJar) {
    this.home = home;
    this.builtJar = builtJar;
  }

  /** {@code java <this JVM's flags> -Dapp.home=... -Dapp.jar=... -jar <jar> <mainArgs>}. */
  public List<String> forJar(Path jar, List<String> mainArgs) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    boolean sameJar = jar.equals(runningJar());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The class-data archive is written by the process that was given the flag, never by the
      // processes it starts; and it only fits the jar it was recorded with (another jar would make
      // the JVM complain and load every class anew anyway).
      boolean archive = flag.startsWith("-XX:ArchiveClassesAtExit")
          || flag.startsWith("-XX:SharedArchiveFile") && !sameJar;
      boolean replaced = flag.startsWith("-Dapp.home=") || flag.startsWith("-Dapp.jar=");
      if (!archive && !replaced) {
        command.add(flag);
      }
    }
    command.add("-Dapp.home=" + home);
    command.add("-Dapp.jar=" + builtJar);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(mainArgs);
    return command;
  }

  private static Path runningJar() {
    return Path.of(System.getProperty("java.class.path")).toAbsolutePath().normalize();
  }
}

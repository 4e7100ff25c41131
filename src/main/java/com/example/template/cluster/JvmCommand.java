package com.example.template.cluster;

import com.example.template.Main;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts {@link Main} in a new JVM like this one: the same java binary, the
 * same JVM flags (those of {@code conf/jvm.options}, {@code JAVA_OPTS}, {@code -Dapp.home}: one
 * place sets them for every process) and the same class path.
 */
public final class JvmCommand {

  private JvmCommand() {
  }

  /** {@code java <this JVM's flags> -cp <this class path> Main <mainArgs>}. */
  public static List<String> forMain(List<String> mainArgs) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // Except the flag that writes the class-data archive at exit: the process that has it writes
    // it, and others writing the same file as they exit would only race it.
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(flag -> !flag.startsWith("-XX:ArchiveClassesAtExit"))
        .forEach(command::add);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(mainArgs);
    return command;
  }
}

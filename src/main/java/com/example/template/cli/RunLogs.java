package com.example.template.cli;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a launcher and its children write their logs, in {@code <run dir>/logs/}: the launcher's
 * {@code launcher.log}, one {@code app-<slot>.log} per slot, and {@code launcher.out}, a background
 * launcher's stdout and stderr. A slot's file, not a child's: every child a slot ever runs
 * (restarts, reloads) writes to it, so {@code logs 1} reads one file that survives restarts and
 * the files do not pile up with each new child; each line names the child that wrote it.
 */
final class RunLogs {

  private static final String DIR = "logs";
  // A child's name: app-<slot>.<generation> (the launcher's Slot).
  private static final Pattern CHILD = Pattern.compile("app-(\\d+)(\\.\\d+)?");

  private RunLogs() {
  }

  /** The launcher's log file (rolled by Logback). */
  static Path launcher(Path runDir) {
    return runDir.resolve(DIR).resolve("launcher.log");
  }

  /**
   * A background launcher's stdout and stderr: what does not go through Logback (a JVM crash, an
   * {@code error:} line, a child's own such lines). The previous start's is kept as {@code .1}.
   */
  static Path launcherOutput(Path runDir) {
    return runDir.resolve(DIR).resolve("launcher.out");
  }

  /** The log file of a slot (rolled by Logback). */
  static Path slot(Path runDir, int slot) {
    return runDir.resolve(DIR).resolve("app-" + slot + ".log");
  }

  /** The log file of a child, by its name ({@code app-1.2}, or a slot's {@code app-1}); null if it is no child's name. */
  static Path child(Path runDir, String name) {
    Matcher matcher = CHILD.matcher(name);
    return matcher.matches() ? slot(runDir, Integer.parseInt(matcher.group(1))) : null;
  }
}

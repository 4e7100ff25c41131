package com.example.template.runtime;

/**
 * The exit codes of every process the jar runs and of {@code bin/run.sh}: one per kind of error,
 * so a script can tell them apart. The README lists them.
 */
public final class ExitCodes {

  /** Done: a node or launcher that drained and stopped, a verb that did its job, help, version. */
  public static final int OK = 0;

  /**
   * Failed while running: a node or launcher that could not start (a port in use, an unreachable
   * cluster, a run directory already taken), or a launcher that answered a verb with an error.
   */
  public static final int FAILED = 1;

  /** The command line or the configuration is wrong: a bad flag, value, file or unknown key. */
  public static final int USAGE = 2;

  /** A verb ({@code list}, {@code stop}, ...) found no launcher answering in the run directory. */
  public static final int NO_LAUNCHER = 3;

  /** {@code bin/run.sh} could not build the jar, or found none to run (never a Java process's code). */
  public static final int BUILD_FAILED = 4;

  private ExitCodes() {
  }
}

package com.example.template.cli;

import com.example.template.config.ConfigLoader;
import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What every verb that talks to a running launcher shares: finding its run directory (from the
 * same config the launcher read, but only that key: a verb must reach the launcher even when the
 * config or the sources have been broken since), and turning "nobody there" into one clear line
 * and its own exit code.
 */
abstract class ControlVerb implements Callable<Integer> {

  @ParentCommand
  RunCommand parent;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "The configuration the launcher was started with, if not conf/config.json.")
  String conf;

  @Override
  public final Integer call() throws IOException {
    try {
      return run(new ControlClient(runDir()));
    } catch (ControlClient.NoLauncherException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.NO_LAUNCHER;
    }
  }

  /** Runs the verb; returns the exit code. */
  abstract int run(ControlClient client) throws ControlClient.NoLauncherException, IOException;

  final Path runDir() {
    return runDir(parent.home, conf);
  }

  /** The launcher's run directory: {@code supervisor.runDir}, read leniently. */
  static Path runDir(Path home, String conf) {
    return new ConfigLoader(home).runDir(conf);
  }

  /**
   * The exit code for the launcher's error answer: a usage error when the operator asked for what
   * cannot be (an unknown child, a scale out of bounds), else a failure.
   */
  static int errorCode(JsonObject answer) {
    return answer.getBoolean("usage", false) ? ExitCodes.USAGE : ExitCodes.FAILED;
  }

  /** Prints the launcher's error, if it answered with one; returns whether it did. */
  static boolean failed(JsonObject answer) {
    if (answer.containsKey("error")) {
      System.err.println("error: " + answer.getString("error"));
      return true;
    }
    return false;
  }
}

package com.example.template.cli;

import com.example.template.control.ControlClient;
import java.io.IOException;
import picocli.CommandLine.Command;

/**
 * {@code bin/run.sh restart [ID|NAME]}: replaces one child, or every child one at a time, the way
 * {@code reload} does, without building first: for a child that misbehaves, not for new code.
 */
@Command(name = "restart", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Replaces one child (or every child, one at a time) without downtime, from the jar already built.")
final class RestartCommand extends ReplacingVerb {

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    return replace(client, "restart");
  }
}

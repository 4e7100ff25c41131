package com.example.template.cli;

import com.example.template.control.ControlClient;
import java.io.IOException;
import picocli.CommandLine.Command;

/**
 * {@code bin/run.sh reload [ID|NAME]}: builds (in {@code bin/run.sh}) and replaces every child, or
 * one, with zero failed requests: the replacement starts and reports ready before the old child
 * drains.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Replaces every child (or one), one at a time, without downtime; bin/run.sh builds first.")
final class ReloadCommand extends ReplacingVerb {

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    return replace(client, "reload");
  }
}

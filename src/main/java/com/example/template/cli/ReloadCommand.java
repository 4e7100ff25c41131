package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;

/**
 * {@code bin/run.sh reload}: replaces every child with zero failed requests, one at a time: the
 * replacement starts and reports ready before the old child drains.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Replaces every child, one at a time, without downtime.")
final class ReloadCommand extends ControlVerb {

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    System.out.println("reloading: each child is replaced once its replacement is ready...");
    JsonObject answer = client.call(new JsonObject().put("cmd", "reload"));
    if (failed(answer)) {
      return ExitCodes.FAILED;
    }
    System.out.println("reloaded: " + String.join(", ", answer.getJsonArray("replaced").stream()
        .map(String::valueOf).toList()));
    return ExitCodes.OK;
  }
}

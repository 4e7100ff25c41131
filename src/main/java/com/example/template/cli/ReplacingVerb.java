package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Parameters;

/**
 * What {@code reload} and {@code restart} share: one child, or every child one at a time, each
 * replaced the zero-downtime way (the replacement ready before the old child drains).
 */
abstract class ReplacingVerb extends ControlVerb {

  @Parameters(arity = "0..1", paramLabel = "ID|NAME",
      description = "One child, by its id or name (app-1.2) as 'list' shows them; default: every child.")
  String child;

  /** Asks the launcher for {@code cmd} and says what it replaced. */
  final int replace(ControlClient client, String cmd) throws ControlClient.NoLauncherException, IOException {
    System.out.println(cmd + (child == null ? "ing every child, one at a time" : "ing " + child)
        + ": each replacement is ready before the old child drains...");
    JsonObject request = new JsonObject().put("cmd", cmd);
    if (child != null) {
      request.put("id", child);
    }
    JsonObject answer = client.call(request);
    if (failed(answer)) {
      return errorCode(answer);
    }
    System.out.println(cmd + "ed: " + String.join(", ", answer.getJsonArray("replaced").stream()
        .map(String::valueOf).toList()));
    return ExitCodes.OK;
  }
}

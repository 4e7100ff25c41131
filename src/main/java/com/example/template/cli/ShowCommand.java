package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bin/run.sh show ID}: one child's details. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Shows one child's details.")
final class ShowCommand extends ControlVerb {

  @Parameters(paramLabel = "ID", description = "The child's id, as 'list' shows it.")
  String id;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "show").put("id", id));
    if (failed(answer)) {
      return ExitCodes.FAILED;
    }
    System.out.print(ChildTable.details(answer.getJsonObject("child")));
    return ExitCodes.OK;
  }
}

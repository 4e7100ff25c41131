package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/run.sh show ID|NAME}: one child's details (PM2's {@code describe}); {@code --json} for scripts. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Shows one child's details: its state and figures, command line, last exit and why it was restarted.")
final class ShowCommand extends ControlVerb {

  @Parameters(paramLabel = "ID|NAME", description = "The child's id or name (app-1.2), as 'list' shows them.")
  String child;

  @Option(names = "--json", description = "One JSON document: the fields of 'list --json' and the details.")
  boolean json;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "show").put("id", child));
    if (failed(answer)) {
      return errorCode(answer);
    }
    JsonObject details = answer.getJsonObject("child");
    // Where 'logs ID' reads: the slot's file, which the launcher never needs to know.
    details.put("logFile", RunLogs.slot(runDir(), details.getInteger("id")).toString());
    System.out.print(json ? details.encodePrettily() + "\n" : ChildTable.details(details));
    return ExitCodes.OK;
  }
}

package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/run.sh list}: PM2's {@code list}, one row per child; {@code --json} is PM2's {@code jlist}. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Lists the children of the running launcher: id, name, pid, state, uptime, restarts, CPU, memory, req/s.")
final class ListCommand extends ControlVerb {

  @Option(names = "--json", description = "One JSON document: the launcher and every child (docs/OPERATIONS.md names the fields).")
  boolean json;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "list"));
    if (failed(answer)) {
      return errorCode(answer);
    }
    System.out.print(json ? answer.encodePrettily() + "\n" : ChildTable.render(answer.getJsonArray("children")));
    return ExitCodes.OK;
  }
}

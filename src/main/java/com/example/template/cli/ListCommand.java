package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code bin/run.sh list}: PM2's {@code list}, one row per child. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Lists the children of the running launcher: id, pid, state, uptime, restarts, CPU, memory, requests.")
final class ListCommand extends ControlVerb {

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "list"));
    if (failed(answer)) {
      return ExitCodes.FAILED;
    }
    System.out.print(ChildTable.render(answer.getJsonArray("children")));
    return ExitCodes.OK;
  }
}

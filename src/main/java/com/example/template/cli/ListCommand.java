package com.example.template.cli;

import com.example.template.cluster.ControlClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code bin/run.sh list}: PM2's {@code list}, one row per child. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the children of the running launcher: id, pid, state, uptime, restarts, CPU, memory, requests.")
final class ListCommand extends ControlVerb {

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "list"));
    if (failed(answer)) {
      return 1;
    }
    System.out.print(ChildTable.render(answer.getJsonArray("children")));
    return 0;
  }
}

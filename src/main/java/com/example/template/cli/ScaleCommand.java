package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/run.sh scale N|+K|-K}: PM2's {@code scale}. New children count once they are ready;
 * removed ones are the newest, each drained as in a reload; the others are not touched. It returns
 * when the change is done, and waits behind a reload or scale that runs.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Runs N children, or K more (+K) or fewer (-K): new ones ready before they count, the newest drained.")
final class ScaleCommand extends ControlVerb {

  private static final Pattern COUNT = Pattern.compile("([+-]?)(\\d{1,6})");

  @Parameters(paramLabel = "N|+K|-K", description = "How many children to run, or how many to add (+K) or remove (-K).")
  String count;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    Matcher matcher = COUNT.matcher(count);
    if (!matcher.matches()) {
      System.err.println("error: scale takes N, +K or -K (a whole number), got '" + count + "'");
      return ExitCodes.USAGE;
    }
    int n = Integer.parseInt(matcher.group(2));
    JsonObject request = new JsonObject().put("cmd", "scale");
    switch (matcher.group(1)) {
      case "+" -> request.put("by", n);
      case "-" -> request.put("by", -n);
      default -> request.put("to", n);
    }
    System.out.println("scaling " + (request.containsKey("to") ? "to " : "by ") + count
        + ": new children count once ready, removed ones drain first...");
    JsonObject answer = client.call(request);
    if (failed(answer)) {
      return errorCode(answer);
    }
    String started = String.join(", ", answer.getJsonArray("started", new JsonArray()).stream()
        .map(String::valueOf).toList());
    String stopped = String.join(", ", answer.getJsonArray("stopped", new JsonArray()).stream()
        .map(String::valueOf).toList());
    System.out.println("scaled to " + answer.getInteger("processes")
        + (started.isEmpty() ? "" : ": started " + started) + (stopped.isEmpty() ? "" : ": stopped " + stopped));
    return ExitCodes.OK;
  }
}

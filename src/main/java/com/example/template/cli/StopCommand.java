package com.example.template.cli;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/run.sh stop}: drains every child, then the launcher exits (PM2's {@code delete all}). */
@Command(name = "stop", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Drains every child and stops the launcher.")
final class StopCommand extends ControlVerb {

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long to wait for the launcher to exit (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  int run(ControlClient client) throws ControlClient.NoLauncherException, IOException {
    JsonObject answer = client.call(new JsonObject().put("cmd", "stop"));
    if (failed(answer)) {
      return ExitCodes.FAILED;
    }
    long pid = answer.getLong("pid");
    System.out.println("stopping launcher " + pid + ": draining every child...");
    Optional<ProcessHandle> launcher = ProcessHandle.of(pid);
    try {
      if (launcher.isPresent()) {
        launcher.get().onExit().get(timeoutSeconds, TimeUnit.SECONDS);
      }
    } catch (TimeoutException e) {
      System.err.println("error: launcher " + pid + " still running after " + timeoutSeconds + " s");
      return ExitCodes.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    } catch (ExecutionException e) {
      System.err.println("error: could not wait for launcher " + pid + ": " + e.getCause().getMessage());
      return ExitCodes.FAILED;
    }
    System.out.println("stopped");
    return ExitCodes.OK;
  }
}

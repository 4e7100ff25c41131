package com.example.template.cli;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.control.ControlClient;
import com.example.template.launcher.JarCopies;
import com.example.template.launcher.JvmCommand;
import com.example.template.launcher.LaunchRefused;
import com.example.template.launcher.Launcher;
import com.example.template.runtime.ExitCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/run.sh start [options]}: runs the launcher in the background (PM2's {@code start}),
 * and returns once every child is online or errored, printing the same table as {@code list}. The
 * launcher and its children log to their files in {@code run/logs/} ({@link RunLogs}); the
 * launcher's stdout and stderr get only what does not go through Logback (its {@code error:}
 * lines, a JVM's crash report) and go to {@code run/logs/launcher.out}, which starts anew at each
 * start (the previous one kept as {@code launcher.out.1}), so it never grows for long.
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Starts the launcher in the background; it logs to run/logs/ (see 'logs').")
final class StartCommand implements Callable<Integer> {

  private static final long POLL_MS = 200;

  @ParentCommand
  RunCommand parent;

  @Mixin
  NodeOptions options;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "90",
      description = "How long to wait for every child to be online (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (options.processes == null) {
      options.processes = 1;
    }
    options.resolvedProcesses(); // checks the value before anything starts
    // The whole config, as the launcher will read it: a mistake is refused here, on this terminal.
    ConfigLoader loader = new ConfigLoader(parent.home);
    AppConfig config = loader.load(options.conf, System.getenv(), options.asConfig());
    Path runDir = loader.resolve(config.supervisor().runDir());
    Installation installation = parent.installation;
    if (installation.builtJar() == null) {
      throw new ConfigException("'start' runs the launcher from the runnable jar, and this JVM runs from class folders: "
          + "build it (./mvnw package) and run bin/run.sh");
    }
    Path jar;
    try {
      Launcher.claimRunDir(runDir);
      // The launcher runs from a copy too: a rebuild while it runs must not change its classes.
      jar = new JarCopies(runDir.resolve(RunCommand.JAR_COPIES), installation.builtJar(), installation.runningJar()).take();
    } catch (LaunchRefused | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    ControlClient client = new ControlClient(runDir);
    Path log = RunLogs.launcherOutput(runDir);
    keepPrevious(log);
    List<String> args = new ArrayList<>(List.of("--detached"));
    args.addAll(options.asArguments());
    Process launcher = new ProcessBuilder(new JvmCommand(parent.home, installation.builtJar()).forLauncher(jar, args))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    System.out.println("launcher started, pid " + launcher.pid() + "; logs in " + log.getParent());
    return awaitChildren(client, launcher, log);
  }

  private static void keepPrevious(Path output) throws IOException {
    Files.createDirectories(output.getParent());
    if (Files.exists(output)) {
      Files.move(output, output.resolveSibling(output.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private int awaitChildren(ControlClient client, Process launcher, Path log) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    JsonArray children = null;
    while (System.nanoTime() < deadline && launcher.isAlive()) {
      try {
        children = client.call(new JsonObject().put("cmd", "list")).getJsonArray("children");
        if (children.stream().map(JsonObject.class::cast)
            .allMatch(c -> "online".equals(c.getString("state")) || "errored".equals(c.getString("state")))) {
          break;
        }
      } catch (ControlClient.NoLauncherException e) {
        // not listening yet
      }
      Thread.sleep(POLL_MS);
    }
    if (!launcher.isAlive()) {
      System.err.println("error: the launcher exited with code " + launcher.exitValue() + "; its last lines:");
      List<String> lines = Files.readAllLines(log);
      lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(System.err::println);
      // A mistake in the config only the launcher reads (the identity directory) is still a usage error.
      return launcher.exitValue() == ExitCodes.USAGE ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
    if (children == null) {
      System.err.println("error: the launcher did not answer within " + waitSeconds + " s; see " + log.getParent());
      return ExitCodes.FAILED;
    }
    System.out.print(ChildTable.render(children));
    boolean allOnline = children.stream().map(JsonObject.class::cast).allMatch(c -> "online".equals(c.getString("state")));
    return allOnline ? ExitCodes.OK : ExitCodes.FAILED;
  }
}

package com.example.template.cli;

import com.example.template.cluster.ChildAgent;
import com.example.template.cluster.Launcher;
import com.example.template.cluster.LauncherHandoff;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.node.NodeProcess;
import com.example.template.node.VertxFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/run.sh [options]}: runs one node in the foreground, or with {@code -processes} a
 * launcher that forks and supervises a cluster of them. The verbs ({@code start}, {@code list},
 * ...) talk to a running launcher.
 */
@Command(
    name = "run.sh",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Runs the application: HTTP verticles on every event loop, blocking jobs on worker verticles.",
    subcommands = {
        StartCommand.class, StopCommand.class, ListCommand.class, ShowCommand.class,
        ReloadCommand.class, LogsCommand.class, IdentityCommand.class})
public final class RunCommand implements Callable<Integer> {

  @Mixin
  NodeOptions options;

  @Option(names = "--node-name", hidden = true, description = "Name of this node (set by the launcher).")
  String nodeName;

  @Option(names = "--supervisor", hidden = true, description = "Id of the launcher supervising this node.")
  String launcherId;

  @Option(names = "--detached", hidden = true, description = "Running in the background (set by 'start').")
  boolean detached;

  @Option(names = "--reuse-port", hidden = true, description = "Bind HTTP with SO_REUSEPORT (set by the launcher).")
  boolean reusePort;

  final Path home;

  RunCommand(Path home) {
    this.home = home;
  }

  /** Parses the arguments and runs; returns the process exit code. */
  public static int execute(Path home, String... args) {
    CommandLine commandLine = new CommandLine(new RunCommand(home));
    commandLine.setParameterExceptionHandler(RunCommand::usageError);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    ConfigLoader loader = new ConfigLoader(home);
    JsonObject flags = options.asConfig();
    if (reusePort) {
      flags.put("http", flags.getJsonObject("http", new JsonObject()).put("reusePort", true));
    }
    AppConfig config = loader.load(options.conf, System.getenv(), flags);
    Path clusterFile = loader.resolve(config.cluster().configFile());
    if (options.processes != null) {
      if (detached) {
        // Started by 'start': closing the terminal it came from must not stop it.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sun.misc.SignalHandler.SIG_IGN);
      }
      String identityDir = config.cluster().identityDir();
      return new Launcher(config, loader.resolve(config.supervisor().runDir()), clusterFile,
          identityDir == null ? null : loader.resolve(identityDir), options.resolvedProcesses(), this::childArguments).run();
    }
    if (launcherId != null) {
      // A launcher's child: the identity and the launcher's address come on stdin, never in argv.
      // Its node's name carries the launcher id, so replies and logs tell deployments apart.
      return new NodeProcess(config, nodeName + "@" + launcherId, () -> {
        LauncherHandoff handoff = LauncherHandoff.read(System.in);
        return VertxFactory.joinLauncher(config.cluster(), clusterFile, handoff.identity(), handoff.launcherAddress());
      }, vertx -> new ChildAgent(vertx, nodeName, launcherId)).run();
    }
    String name = nodeName != null ? nodeName : "node-" + ProcessHandle.current().pid();
    Supplier<Future<VertxFactory.Clustered>> start = options.cluster
        ? () -> VertxFactory.join(config.cluster(), loader)
        : () -> Future.succeededFuture(new VertxFactory.Clustered(VertxFactory.standalone(), null));
    return new NodeProcess(config, name, start, null).run();
  }

  private List<String> childArguments(String launcher, String name) {
    List<String> args = new ArrayList<>(List.of(
        "-cluster", "--supervisor", launcher, "--node-name", name, "--reuse-port"));
    args.addAll(options.forChild());
    return args;
  }

  // One line and the way to help, not a page of usage: the user mistyped one thing.
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    err.println("Try 'bin/run.sh --help' for the options.");
    return 2;
  }
}

package com.example.template.cli;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.node.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/run.sh [options]}: runs one node in the foreground. The flag names are Vert.x's
 * ({@code -instances}, {@code -conf}, {@code -cluster}, {@code -cluster-host},
 * {@code -cluster-port}).
 */
@Command(
    name = "run.sh",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Runs the application: HTTP verticles on every event loop, blocking jobs on worker verticles.")
public final class RunCommand implements Callable<Integer> {

  @Option(names = "-instances", paramLabel = "N",
      description = "HTTP verticle instances; 0 = one per core (default: http.instances in the config).")
  Integer instances;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "Configuration file or inline JSON, instead of conf/config.json.")
  String conf;

  @Option(names = "-cluster", description = "Join the Hazelcast cluster described by cluster.configFile.")
  boolean cluster;

  @Option(names = "-cluster-host", paramLabel = "HOST", description = "Address the cluster binds and advertises.")
  String clusterHost;

  @Option(names = "-cluster-port", paramLabel = "PORT", description = "Cluster port (default: Hazelcast's choice).")
  Integer clusterPort;

  @Option(names = "--node-name", hidden = true, description = "Name of this node (set by the launcher).")
  String nodeName;

  private final Path home;

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
    AppConfig config = loader.load(conf, System.getenv(), flags());
    String name = nodeName != null ? nodeName : "node-" + ProcessHandle.current().pid();
    Path clusterFile = cluster ? loader.resolve(config.cluster().configFile()) : null;
    return new NodeProcess(config, name, clusterFile).run();
  }

  /** The flags as a partial config, so the same checks apply to them as to the file. */
  private JsonObject flags() {
    JsonObject flags = new JsonObject();
    if (instances != null) {
      if (instances < 0) {
        throw new ConfigException("-instances must be 0 (one per core) or more, got " + instances);
      }
      flags.put("http", new JsonObject().put("instances", instances));
    }
    JsonObject clusterFlags = new JsonObject();
    if (clusterHost != null) {
      clusterFlags.put("host", clusterHost);
    }
    if (clusterPort != null) {
      clusterFlags.put("port", clusterPort);
    }
    if (!clusterFlags.isEmpty()) {
      flags.put("cluster", clusterFlags);
    }
    return flags;
  }

  // One line and the way to help, not a page of usage: the user mistyped one thing.
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    err.println("Try 'bin/run.sh --help' for the options.");
    return 2;
  }
}

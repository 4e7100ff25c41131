package com.example.template.cli;

import com.example.template.child.ChildAgent;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.control.LauncherHandoff;
import com.example.template.launcher.JarCopies;
import com.example.template.launcher.JvmCommand;
import com.example.template.launcher.LaunchRefused;
import com.example.template.launcher.Launcher;
import com.example.template.node.NodeProcess;
import com.example.template.runtime.ExitCodes;
import com.example.template.runtime.LogFiles;
import com.example.template.runtime.VertxFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
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
    versionProvider = Version.class,
    usageHelpAutoWidth = true,
    description = "Runs the application: HTTP verticles on every event loop, blocking jobs on worker verticles.")
public final class RunCommand implements Callable<Integer> {

  private static final String CHILD_FLAG = "--supervisor";

  /** The verbs, in the order the help lists them. */
  private static final List<Class<?>> VERBS = List.of(
      StartCommand.class, StopCommand.class, ListCommand.class, ShowCommand.class,
      ReloadCommand.class, RestartCommand.class, ScaleCommand.class, LogsCommand.class, IdentityCommand.class,
      MonitCommand.class);

  /** The folder of the run directory that holds the copies of the jar the processes run from. */
  public static final String JAR_COPIES = "jars";

  @Mixin
  NodeOptions options;

  @Option(names = "--node-name", hidden = true, description = "Name of this node (set by the launcher).")
  String nodeName;

  @Option(names = CHILD_FLAG, hidden = true, description = "Id of the launcher supervising this node.")
  String launcherId;

  @Option(names = "--detached", hidden = true, description = "Running in the background (set by 'start').")
  boolean detached;

  @Option(names = "--reuse-port", hidden = true, description = "Bind HTTP with SO_REUSEPORT (set by the launcher).")
  boolean reusePort;

  @Option(names = "--log-file", hidden = true, description = "The log file of this child (set by the launcher).")
  Path logFile;

  @Option(names = "--log-console", hidden = true, arity = "1", defaultValue = "true",
      description = "Whether this child's log lines go to its stdout too (set by the launcher).")
  boolean logConsole;

  final Installation installation;
  final Path home;

  RunCommand(Installation installation) {
    this.installation = installation;
    this.home = installation.home();
  }

  /** Parses the arguments and runs; returns the process exit code ({@link ExitCodes}). */
  public static int execute(Installation installation, String... args) {
    CommandLine commandLine = new CommandLine(new RunCommand(installation));
    // picocli reflects on every command it is given, options, mixins and annotations: a launcher's
    // child, which runs no verb, starts without the verbs' (CPU taken from a child starting beside
    // busy siblings, docs/BENCHMARKS.md).
    if (!Arrays.asList(args).contains(CHILD_FLAG)) {
      VERBS.forEach(commandLine::addSubcommand);
    }
    // Vert.x's single-dash flags are words: '-ha' (a Vert.x 4 flag) must be an unknown option, not '-h -a'.
    commandLine.setPosixClusteredShortOptionsAllowed(false);
    commandLine.setParameterExceptionHandler(RunCommand::usageError);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println("error: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    ConfigLoader loader = new ConfigLoader(home);
    if (options.conf == null && !loader.hasDefaultFile()) {
      LoggerFactory.getLogger(RunCommand.class).info(
          "no {} in {}: running on the built-in defaults (set -Dapp.home, or run bin/run.sh)", ConfigLoader.DEFAULT_FILE, home);
    }
    JsonObject flags = options.asConfig();
    if (reusePort) {
      flags.put("http", flags.getJsonObject("http", new JsonObject()).put("reusePort", true));
    }
    if (launcherId != null) {
      // A launcher's children share the host: each takes a free management port and reports it.
      flags.put("management", new JsonObject().put("port", 0));
    }
    AppConfig config = loader.load(options.conf, System.getenv(), flags);
    Path clusterFile = loader.resolve(config.cluster().configFile());
    if (options.processes != null) {
      if (detached) {
        // Started by 'start': closing the terminal it came from must not stop it.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sun.misc.SignalHandler.SIG_IGN);
      }
      String identityDir = config.cluster().identityDir();
      return runLauncher(config, loader.resolve(config.supervisor().runDir()), clusterFile,
          identityDir == null ? null : loader.resolve(identityDir));
    }
    if (launcherId != null) {
      if (logFile != null) {
        // The generations of a slot share its file: each line says which one wrote it.
        LogFiles.write(logFile, "[" + nodeName + "] ", logConsole);
      }
      // A launcher's child: the identity and the launcher's address come on stdin, never in argv.
      // Its node's name carries the launcher id, so replies and logs tell deployments apart.
      return new NodeProcess(config, nodeName + "@" + launcherId, () -> {
        LauncherHandoff handoff = LauncherHandoff.read(System.in);
        return VertxFactory.joinLauncher(config.cluster(), clusterFile, handoff.identity(), handoff.launcherAddress(),
            config.management());
      }, vertx -> new ChildAgent(vertx, nodeName, launcherId)).run();
    }
    String name = nodeName != null ? nodeName : "node-" + ProcessHandle.current().pid();
    Supplier<Future<VertxFactory.Clustered>> start = options.cluster
        ? () -> VertxFactory.join(config.cluster(), loader, config.management())
        : () -> Future.succeededFuture(new VertxFactory.Clustered(VertxFactory.standalone(config.management()), null));
    return new NodeProcess(config, name, start, null).run();
  }

  // Each child runs from a copy of the build current at its start (JarCopies): a rebuild never
  // changes a running child, and the children a reload starts run the new build.
  private int runLauncher(AppConfig config, Path runDir, Path clusterFile, Path identityDir) {
    if (installation.builtJar() == null) {
      throw new ConfigException("cluster mode starts its children from the runnable jar, and this JVM runs "
          + "from class folders: build it (./mvnw package) and run bin/run.sh");
    }
    int processes = options.resolvedProcesses();
    JarCopies jars = new JarCopies(runDir.resolve(JAR_COPIES), installation.builtJar(), installation.runningJar());
    try {
      Launcher.claimRunDir(runDir); // before a copy goes in it: its mode, and nobody else's launcher in it
      jars.take();
    } catch (LaunchRefused | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    // In the background nobody reads the console, and the stdout it would go to does not roll.
    LogFiles.write(RunLogs.launcher(runDir), "", !detached);
    JvmCommand jvm = new JvmCommand(home, installation.builtJar());
    int exitCode = new Launcher(config, runDir, clusterFile, identityDir, processes,
        (launcher, name) -> jvm.forChild(jars.take(), childArguments(runDir, launcher, name))).run();
    jars.prune();
    return exitCode;
  }

  // Each child writes its own log file; it prints its lines on its stdout too only when the
  // launcher relays them to a terminal (in the background they would land in launcher.out, a
  // second copy on disk).
  private List<String> childArguments(Path runDir, String launcher, String name) {
    List<String> args = new ArrayList<>(List.of(
        "-cluster", CHILD_FLAG, launcher, "--node-name", name, "--reuse-port",
        "--log-file", RunLogs.child(runDir, name).toString(), "--log-console", String.valueOf(!detached)));
    args.addAll(options.forChild());
    return args;
  }

  // One line, with the way to help, not a page of usage: the user mistyped one thing.
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage().lines().findFirst().orElse("") + " (see 'bin/run.sh --help')");
    return ExitCodes.USAGE;
  }
}

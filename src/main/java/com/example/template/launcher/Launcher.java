package com.example.template.launcher;

import static com.example.template.runtime.Blocking.await;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.control.ControlClient;
import com.example.template.control.LauncherHandoff;
import com.example.template.metrics.ManagementVerticle;
import com.example.template.metrics.Meters;
import com.example.template.metrics.MergedMetrics;
import com.example.template.runtime.ClusterHost;
import com.example.template.runtime.ExitCodes;
import com.example.template.runtime.PortCheck;
import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The launcher: the counterpart of Node's cluster primary and of PM2's daemon. It runs no app
 * code. It checks that the HTTP port is free, forks the children through the {@link Supervisor},
 * becomes the first member of a private Hazelcast cluster meanwhile (to talk to its children over
 * the event bus), opens the control socket for the verbs, and on SIGTERM, SIGINT or {@code stop}
 * drains every child and exits 0.
 *
 * <p>The cluster is closed: on loopback the launcher makes a fresh {@link ClusterIdentity} at every
 * start; with {@code cluster.identityDir}, and off loopback, where several hosts share one cluster,
 * it uses the operator's (or, with {@code cluster.insecure}, none). It hands the identity to each
 * child on its stdin with its own exact Hazelcast address.
 */
public final class Launcher {

  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  /** The pid file, inside the run directory (the control socket is beside it). */
  public static final String PID_FILE = "launcher.pid";

  private final AppConfig config;
  private final Path runDir;
  private final Path clusterFile;
  private final Path identityDir;
  private final int processes;
  private final String launcherId;
  private final Function<String, List<String>> childArgs;

  /**
   * @param identityDir the operator's identity directory ({@code cluster.identityDir}, resolved),
   *     or null to make a fresh identity
   * @param processes how many children; already resolved (0 was turned into the core count)
   * @param childArgs the command line that starts a child ({@link JvmCommand}), given the launcher id and its name
   */
  public Launcher(AppConfig config, Path runDir, Path clusterFile, Path identityDir, int processes,
      BiFunction<String, String, List<String>> childArgs) {
    this.config = config;
    this.runDir = runDir;
    this.clusterFile = clusterFile;
    this.identityDir = identityDir;
    this.processes = processes;
    this.launcherId = UUID.randomUUID().toString().substring(0, 8);
    this.childArgs = name -> childArgs.apply(launcherId, name);
  }

  /** Runs until stopped; returns the exit code. */
  public int run() {
    // On loopback and without the operator's identity, this launcher's cluster is its own: a
    // fresh identity. Off loopback, its cluster spans hosts, which must share the operator's.
    boolean fresh = identityDir == null && isLoopback(config.cluster().host());
    ClusterIdentity identity;
    try {
      prepareRunDir();
      // One port, one deployment (PortCheck says why).
      PortCheck.requireFree(config.http().host(), config.http().port(), "");
      if (config.bridge().enabled()) {
        PortCheck.requireFree(config.bridge().host(), config.bridge().port(), " (bridge)");
      }
      identity = fresh
          ? ClusterIdentity.generate(config.cluster().name())
          : VertxFactory.configuredIdentity(config.cluster(), identityDir);
      ClusterHost.requireBindable(config.cluster());
    } catch (LaunchRefused | PortCheck.PortTaken | ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return e instanceof ConfigException ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
    if (!Transport.EPOLL.available()) {
      // Without epoll, Vert.x falls back to NIO, which silently ignores SO_REUSEPORT: only one
      // child could bind the port. Say so before forking anything.
      System.err.println("error: cluster mode needs SO_REUSEPORT, which needs the epoll native transport, "
          + "and it is unavailable here (" + Transport.EPOLL.unavailabilityCause().getMessage()
          + "); run a single JVM with -instances instead");
      return ExitCodes.FAILED;
    }
    Supervisor supervisor = new Supervisor(launcherId, config, processes, childArgs, System.out);
    // The children are forked before the launcher joins the cluster: their JVMs boot (0.7 s here
    // until a child needs the cluster) while the launcher becomes its first member (0.5 s), and the
    // moment it is one, each reads the hand-off with its exact address. They never join before the
    // launcher, without its address: members that start at once hold their own election (measured
    // here: 15 to 17 s until every child was online). Handed over only once the launcher's Vert.x
    // is up, they would wait for all of it (about 7 s).
    supervisor.forkAll();
    CompletableFuture<String> member = new CompletableFuture<>();
    Vertx vertx;
    try {
      vertx = await(VertxFactory.launcher(config.cluster(), clusterFile, identity, fresh, config.management(), address -> {
        supervisor.handOver(new LauncherHandoff(identity, address));
        member.complete(address);
      }));
      member.join();
    } catch (RuntimeException e) {
      supervisor.killAll();
      System.err.println("error: the launcher could not join the cluster: " + e.getMessage());
      return e instanceof ConfigException ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Runnable stop = onceStopping(vertx, supervisor, stopped);
    ControlServer control = new ControlServer(vertx, supervisor, stop);
    try {
      await(vertx.deployVerticle(supervisor));
      await(control.listen(runDir.resolve(ControlClient.SOCKET_FILE)));
      listenManagement(vertx, supervisor);
      Files.writeString(runDir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
    } catch (RuntimeException | IOException e) {
      System.err.println("error: the launcher could not start: " + e.getMessage());
      stop.run();
      stopped.join();
      return ExitCodes.FAILED;
    }
    Signal.handle(new Signal("TERM"), sig -> stop.run());
    Signal.handle(new Signal("INT"), sig -> stop.run());
    LOG.info("launcher {} (pid {}) supervising {} child process(es); cluster member at {}, {}; control socket {}",
        launcherId, ProcessHandle.current().pid(), processes, member.join(),
        fresh ? "a fresh private identity" : identity == null ? "no identity (cluster.insecure)" : "the identity in " + identityDir,
        runDir.resolve(ControlClient.SOCKET_FILE));
    AcceptQueueMigration.advice(AcceptQueueMigration.SETTING).ifPresent(LOG::info);
    stopped.join();
    return 0;
  }

  private Runnable onceStopping(Vertx vertx, Supervisor supervisor, CompletableFuture<Void> stopped) {
    AtomicBoolean once = new AtomicBoolean();
    return () -> {
      if (!once.compareAndSet(false, true)) {
        return;
      }
      LOG.info("launcher stopping: draining every child");
      supervisor.eventLoop().runOnContext(v -> supervisor.stopAll()
          .eventually(vertx::close)
          .onComplete(ar -> {
            deleteQuietly(runDir.resolve(ControlClient.SOCKET_FILE));
            deleteQuietly(runDir.resolve(PID_FILE));
            LOG.info("launcher stopped");
            stopped.complete(null);
          }));
    };
  }

  /**
   * One scrape target for the host, on {@code management.port}: every online child's metrics,
   * scraped live and labelled with its name, and the launcher's own. The children listen on free
   * ports of their own on the same host, which they report when ready.
   */
  private void listenManagement(Vertx vertx, Supervisor supervisor) {
    AppConfig.Management management = config.management();
    if (!management.enabled()) {
      return;
    }
    String host = management.host();
    // A child listening on every interface is reached on loopback.
    String childHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    MergedMetrics merged = new MergedMetrics(vertx, Meters.of(vertx), () -> {
      Promise<List<MergedMetrics.Target>> targets = Promise.promise();
      supervisor.eventLoop().runOnContext(v -> targets.complete(supervisor.metricsTargets(childHost)));
      return targets.future();
    });
    ManagementVerticle listener = ManagementVerticle.forLauncher(host, management.port(), management.requirePort(),
        merged::handle);
    await(vertx.deployVerticle(listener));
    LOG.info("launcher metrics: http://{}:{}{} (every child's, merged)", host, listener.port(), ManagementVerticle.PATH);
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // Hazelcast says so when it binds; this only chooses the identity
    }
  }

  private void prepareRunDir() {
    claimRunDir(runDir);
    // A socket left by a launcher that was killed: nobody answers on it.
    deleteQuietly(runDir.resolve(ControlClient.SOCKET_FILE));
  }

  /**
   * Creates the run directory, readable by its owner only (the control socket's guard), and
   * checks that no launcher already answers in it.
   *
   * @throws LaunchRefused with the line to show when it cannot be created or is taken
   */
  public static void claimRunDir(Path runDir) {
    try {
      Files.createDirectories(runDir);
      Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      throw new LaunchRefused("cannot prepare the run directory " + runDir + ": " + e.getMessage(), e);
    }
    if (new ControlClient(runDir).answers()) {
      throw new LaunchRefused("a launcher is already running for " + runDir + " (see 'bin/run.sh list')");
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", file, e.getMessage());
    }
  }

}

package com.example.template.launcher;

import com.example.template.control.ControlClient;
import com.example.template.support.FreePorts;
import com.example.template.support.JarProcess;
import com.example.template.support.ScratchDirs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A launcher started from the real jar, with its own run directory and HTTP port, and otherwise
 * the default config: its cluster is private to it (a fresh identity per start), so it meets
 * neither a developer's running launcher nor another test's. The verbs run as separate
 * processes, exactly as {@code bin/run.sh list} would.
 */
final class ClusterFixture {

  static final Pattern ONLINE = Pattern.compile("(app-\\d+\\.\\d+) online \\(pid (\\d+)");

  final int httpPort;
  final Path runDir;
  final String conf;

  ClusterFixture(JsonObject extra) {
    this.httpPort = FreePorts.next();
    this.runDir = ScratchDirs.create("launcher-it");
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("port", httpPort))
        .put("jobs", new JsonObject().put("workers", 1))
        .put("drain", new JsonObject().put("closeWindowMs", 500).put("graceMs", 5_000))
        .put("supervisor", new JsonObject().put("runDir", runDir.toString()).put("heartbeatIntervalMs", 500));
    this.conf = conf.mergeIn(extra, true).encode();
  }

  /**
   * Starts {@code -processes N -instances 1} in the foreground, as a user would; {@code jvmFlags}
   * go to the launcher's JVM, which passes them on to its children.
   */
  JarProcess launch(int processes, String... jvmFlags) {
    JarProcess.Builder launcher = launcher(processes);
    for (String flag : jvmFlags) {
      launcher.jvmArg(flag);
    }
    return launcher.start();
  }

  /** The launcher {@link #launch} starts, to add JVM flags or a wrapper to before starting it. */
  JarProcess.Builder launcher(int processes) {
    return JarProcess.builder().name("launcher")
        .env("HTTP_PORT", null)
        .args("-processes", Integer.toString(processes), "-instances", "1", "-conf", conf);
  }

  /** Runs a verb ({@code list}, {@code show 1}, ...) against this fixture's launcher. */
  Verb verb(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-conf";
    all[args.length + 1] = conf;
    try (JarProcess verb = JarProcess.builder().name("verb").env("HTTP_PORT", null).args(all).start()) {
      int code = verb.awaitExit(Duration.ofSeconds(60));
      return new Verb(code, verb.stdout(), verb.stderr());
    }
  }

  /** What the launcher reports of its children, straight from its control socket. */
  JsonArray children() {
    try {
      return new ControlClient(runDir).call(new JsonObject().put("cmd", "list")).getJsonArray("children");
    } catch (ControlClient.NoLauncherException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonObject child(int id) {
    return children().stream().map(JsonObject.class::cast)
        .filter(c -> c.getInteger("id") == id).findFirst().orElseThrow();
  }

  record Verb(int exitCode, List<String> stdout, List<String> stderr) {
  }

}

package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher and its children run from copies of the built jar: a rebuild that rewrites the
 * jar in place (the worst a build could do) changes no running process, and the children a
 * {@code reload} starts run the new build.
 */
class JarCopiesIT {

  private static final Duration VERB = Duration.ofSeconds(300);

  @TempDir
  Path target;

  @Test
  void aRebuildChangesNoRunningProcessAndReloadRunsTheNewBuild() throws Exception {
    ClusterFixture cluster = new ClusterFixture(new JsonObject());
    Path built = Files.copy(JarProcess.appJar(), target.resolve("app.jar"));
    Path copies = cluster.runDir.resolve("jars");
    try {
      // A generous wait: on a loaded machine a child can take a minute to come online.
      verb(cluster, built, ExitCodes.OK, "start", "-processes", "1", "-instances", "1", "--wait", "240");
      long launcherPid = new ControlClient(cluster.runDir).call(new JsonObject().put("cmd", "list"))
          .getJsonObject("launcher").getLong("pid");
      Path launcherJar = jarOf(launcherPid);
      Path firstJar = jarOf(cluster.child(1).getLong("pid"));
      assertThat(launcherJar).as("the launcher runs from a copy").startsWith(copies);
      assertThat(firstJar).as("the child runs the launcher's copy of the same build").isEqualTo(launcherJar);

      rebuildInPlace(built);

      verb(cluster, built, ExitCodes.OK, "reload");
      JsonObject child = cluster.child(1);
      assertThat(child.getString("state")).isEqualTo("online");
      Path secondJar = jarOf(child.getLong("pid"));
      assertThat(secondJar).as("the reloaded child runs a copy of the new build").startsWith(copies).isNotEqualTo(firstJar);
      assertThat(Files.mismatch(secondJar, built)).isEqualTo(-1L);
      assertThat(Files.mismatch(launcherJar, JarProcess.appJar())).as("the launcher's copy is untouched").isEqualTo(-1L);
      verb(cluster, built, ExitCodes.OK, "list"); // the launcher still answers
    } finally {
      verb(cluster, built, ExitCodes.OK, "stop");
    }
  }

  private static void verb(ClusterFixture cluster, Path built, int exitCode, String... args) {
    try (JarProcess verb = JarProcess.builder().name(args[0]).env("HTTP_PORT", null)
        .jvmArg("-Dapp.jar=" + built).args(args).args("-conf", cluster.conf).start()) {
      assertThat(verb.awaitExit(VERB)).as(verb.output()).isEqualTo(exitCode);
      assertThat(verb.stderr()).as(verb.output()).isEmpty();
    }
  }

  /** The jar a process runs, from its command line ({@code -jar <jar>}). */
  private static Path jarOf(long pid) throws IOException {
    String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
    List<String> args = Arrays.asList(cmdline.split("\0"));
    int jar = args.indexOf("-jar");
    assertThat(jar).as(String.join(" ", args)).isNotNegative();
    return Path.of(args.get(jar + 1));
  }

  // A valid jar with other bytes, written over the same file: a zip comment added to its end record.
  private static void rebuildInPlace(Path jar) throws IOException {
    byte[] comment = ("rebuilt " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
    try (FileChannel file = FileChannel.open(jar, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = file.size() - 22; // the end-of-central-directory record of a jar without a comment
      ByteBuffer record = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
      file.read(record, end);
      assertThat(record.getInt(0)).as("end of central directory signature").isEqualTo(0x06054b50);
      ByteBuffer length = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) comment.length);
      file.write(length, end + 20);
      file.write(ByteBuffer.wrap(comment), file.size());
    }
  }
}

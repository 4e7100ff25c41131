package com.example.template.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.example.template.node.Node;
import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import com.example.template.support.Commands;
import com.example.template.support.Commands.Result;
import com.example.template.support.JarProcess;
import com.example.template.support.ScratchDirs;
import com.example.template.support.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM example client, {@code examples/jvm-client/JobClientExample.java}, run exactly as its
 * README says ({@code java @conf/jvm.options -cp <fat jar> <source file>}) against a clustered
 * node: it compiles against the jar, joins the cluster with the operator's identity directory
 * (the only way into a closed cluster), gets its replies and the refusals the contract promises,
 * and exits 0.
 */
class JvmClientExampleIT {

  @Test
  void theExampleJoinsTheClusterAndGetsItsAnswers() throws Exception {
    Path identityDir = ScratchDirs.create("example-it").resolve("identity");
    ClusterIdentity.generate("example-it").write(identityDir);
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("instances", 1))
        .put("jobs", new JsonObject().put("workers", 1))
        .put("cluster", new JsonObject().put("identityDir", identityDir.toString()));
    AppConfig config = TestNodes.config(conf.encode());
    Path home = JarProcess.appHome();
    VertxFactory.Clustered cluster = VertxFactory.join(config.cluster(), new ConfigLoader(home))
        .await(60, TimeUnit.SECONDS);
    try {
      Node.deploy(cluster.vertx(), config, "example-it-node", cluster.nodes()).await(30, TimeUnit.SECONDS);

      Result run = runExample(home, conf.encode());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(String.join("\n", run.stdout())).as(run.toString())
          .contains("joined the cluster as ")
          .doesNotContain(ClusterIdentity.load(identityDir).name())
          .containsPattern("work\\.busy \\{\"ms\":200\\} -> \\{\"ms\":200,.*\"node\":\"example-it-node\"")
          .containsPattern("work\\.hash .* -> \\{\"algorithm\":\"PBKDF2WithHmacSHA256\"")
          .contains("work.busy {\"ms\":-1} -> refused as expected: INVALID_REQUEST")
          .contains("work.hash {\"password\":\"\"} -> refused as expected: INVALID_REQUEST");
    } finally {
      cluster.vertx().close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAnIdentityTheExampleSaysWhatToSetAndExits2() throws Exception {
    Result run = runExample(JarProcess.appHome(), "{}");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(String.join("\n", run.stderr())).as(run.toString()).startsWith("error: a clustered node needs a private identity: set cluster.identityDir");
  }

  private static Result runExample(Path home, String conf) throws Exception {
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + home.resolve("conf/jvm.options"),
        "-cp", JarProcess.appJar().toString(),
        "examples/jvm-client/JobClientExample.java",
        conf);
    return Commands.run(command, home, Duration.ofSeconds(120));
  }
}

package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.template.api.JobApi;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import com.example.template.work.BusyJob;

/**
 * The example client in another language, {@code examples/python/bridge_client.py}, run as a user
 * would run it against a node with the bridge on: the protocol end to end, across languages.
 * Skipped where there is no {@code python3}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PythonBridgeClientTest {

  private static final Path CLIENT = Path.of("examples/python/bridge_client.py");

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 1, "maxBusyMs": 5000},
       "bridge": {"enabled": true, "port": 0}}""";

  @BeforeAll
  static void python3IsInstalled() {
    assumeTrue(run(List.of("python3", "--version")).exitCode == 0, "python3 is not installed");
  }

  @Test
  void aJobsReplyIsPrintedAsJson(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);

    Result result = client(node, "--request-id", "rid-python-1", BusyJob.ADDRESS, "{\"ms\": 5}");

    assertThat(result.exitCode).as(result.toString()).isZero();
    JsonObject reply = new JsonObject(result.stdout);
    assertThat(reply.getLong("ms")).isEqualTo(5);
    assertThat(reply.getString("node")).isEqualTo(TestNodes.NAME);
    assertThat(result.stderr).contains("rid=rid-python-1");
  }

  @Test
  void aFailedJobReportsItsFailureCode(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);

    Result result = client(node, BusyJob.ADDRESS, "{\"ms\": -1}");

    assertThat(result.exitCode).as(result.toString()).isEqualTo(1);
    assertThat(result.stderr).contains("failed with " + JobApi.INVALID_REQUEST + " (RECIPIENT_FAILURE)")
        .contains("'ms' must be an integer between 0 and 5000");
  }

  @Test
  void aPrivateAddressIsRefused(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);

    Result result = client(node, "supervisor.launcher-1.ready", "{}");

    assertThat(result.exitCode).as(result.toString()).isEqualTo(2);
    assertThat(result.stderr).contains("the bridge refused the frame: access_denied");
  }

  private static Result client(Node node, String... args) {
    List<String> command = new ArrayList<>(List.of("python3", CLIENT.toString(), "--port", Integer.toString(node.bridgePort())));
    command.addAll(List.of(args));
    return run(command);
  }

  private static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in 30 s");
      }
      return new Result(process.exitValue(), stdout.join(), stderr.join());
    } catch (IOException e) {
      return new Result(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {
  }
}

package com.example.template.support;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.example.template.node.Node;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Deploys a real node in the test's Vert.x, configured the way a user would configure it. */
public final class TestNodes {

  /** The name every in-JVM test node answers with in its replies. */
  public static final String NAME = "test-node";

  private TestNodes() {
  }

  /**
   * The config a test means, written as the inline JSON a user could pass to {@code -conf}:
   * the same loader and the same checks as the real command line, and no environment.
   */
  public static AppConfig config(String json) {
    return new ConfigLoader(Path.of(".")).load(json, Map.of(), new JsonObject());
  }

  /** Deploys a node with the given inline config; completes when it is ready. */
  public static Future<Node> deploy(Vertx vertx, String json) {
    return Node.deploy(vertx, config(json), NAME);
  }

  /** A client aimed at the node's real (ephemeral) port. */
  public static WebClient client(Vertx vertx, Node node) {
    return WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()));
  }

  /**
   * Completes as soon as the condition holds, checked every 5 ms; fails once {@code timeoutMs}
   * passed without it. A condition to wait on, never a sleep.
   */
  public static Future<Void> eventually(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    // Set from a Vert.x thread: from any other, the first tick can come before Vert.x has recorded
    // the timer, and cancelling it there throws, so a condition already true never completed.
    vertx.runOnContext(start -> vertx.setPeriodic(0, 5, timer -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(timer);
        promise.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(timer);
        promise.tryFail("condition not met within " + timeoutMs + " ms");
      }
    }));
    return promise.future();
  }

  /** The node's own check ({@code "id": "node"}) in a {@code /health/ready} body. */
  public static JsonObject readinessCheck(JsonObject health) {
    return health.getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> "node".equals(check.getString("id")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no 'node' check in " + health.encode()));
  }
}

package com.example.template.node;

import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Faults that end-to-end tests inject into a real node process, each off unless its JVM runs with
 * the system property that asks for it:
 *
 * <ul>
 *   <li>{@code -Dapp.testHooks.blockMs=N}: SIGUSR1 blocks every HTTP event loop of the node for
 *       {@code N} ms, as a runaway computation on an event loop would, so a test can show that the
 *       supervisor notices and replaces the node. (SIGUSR1 because HotSpot itself uses SIGUSR2.)
 *   <li>{@code -Dapp.testHooks.failStart=REASON}: the node's start fails with that reason, as a
 *       service whose database is unreachable would, so a test can show what the supervisor does
 *       with a child that never starts. (A taken port no longer does it: the launcher checks its
 *       ports before forking.)
 * </ul>
 */
public final class TestHooks {

  /** The system property that switches the blocking hook on, with the block's length in ms. */
  public static final String BLOCK_MS_PROPERTY = "app.testHooks.blockMs";

  /** The system property that makes every start fail, with the reason it gives. */
  public static final String FAIL_START_PROPERTY = "app.testHooks.failStart";

  private static final Logger LOG = LoggerFactory.getLogger(TestHooks.class);

  private TestHooks() {
  }

  /** Installs the hook when the JVM was started with {@value #BLOCK_MS_PROPERTY}. */
  static void installIfAsked(Node node) {
    Long blockMs = Long.getLong(BLOCK_MS_PROPERTY);
    if (blockMs == null) {
      return;
    }
    LOG.warn("test hook on ({}={}): SIGUSR1 blocks the event loops; never use it in production",
        BLOCK_MS_PROPERTY, blockMs);
    Signal.handle(new Signal("USR1"), signal -> node.state().eventLoops().forEach(loop -> block(loop, blockMs)));
  }

  /** Fails when the JVM was started with {@value #FAIL_START_PROPERTY}; succeeds at once otherwise. */
  static Future<Void> startAsAsked() {
    String reason = System.getProperty(FAIL_START_PROPERTY);
    if (reason == null) {
      return Future.succeededFuture();
    }
    LOG.warn("test hook on ({}): this node's start fails; never use it in production", FAIL_START_PROPERTY);
    return Future.failedFuture("test hook: " + reason);
  }

  private static void block(Context eventLoop, long ms) {
    eventLoop.runOnContext(v -> {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}

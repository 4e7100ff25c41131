package com.example.template.node;

import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Faults that end-to-end tests inject into a real node process, off unless its JVM runs with
 * {@code -Dapp.testHooks.blockMs=N}: then SIGUSR1 blocks every HTTP event loop of the node for
 * {@code N} ms, as a runaway computation on an event loop would, so a test can show that the
 * supervisor notices and replaces the node. (SIGUSR1 because HotSpot itself uses SIGUSR2.)
 */
public final class TestHooks {

  /** The system property that switches the hook on, with the block's length in ms. */
  public static final String BLOCK_MS_PROPERTY = "app.testHooks.blockMs";

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

package com.example.template.runtime;

import io.vertx.core.Future;
import java.util.concurrent.CompletionException;

/**
 * Waiting for a Vert.x future on a thread that may block: {@code main}, before and after Vert.x
 * runs. Never call it on an event loop.
 */
public final class Blocking {

  private Blocking() {
  }

  /** The future's result; its failure, rethrown unchecked (checked causes wrapped). */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
    }
  }
}

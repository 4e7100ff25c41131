package com.example.template.child;

import com.example.template.lifecycle.Phase;
import io.vertx.core.Context;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the {@link ChildAgent} needs of the node it reports on: its name and ports for the ready
 * report, its event loops for the heartbeat's probe, and the figures of its stats. The node
 * implements it; the agent knows nothing else of the node.
 */
public interface SupervisedNode {

  /** The node's name in replies and logs ({@code app-1.1@<launcher id>}). */
  String name();

  /** The port the HTTP server listens on. */
  int httpPort();

  /** The port of its management listener ({@code /metrics}), which the launcher scrapes; -1 when off. */
  int managementPort();

  Phase phase();

  /** The event loops serving HTTP: a heartbeat that reaches all of them proves none is blocked. */
  List<Context> eventLoops();

  /** HTTP requests the node has received since it started. */
  long requests();

  /** Jobs the node has sent and not yet had answered. */
  int jobsInFlight();

  /** Its worker threads: at most this many jobs run on it at once. */
  int workers();

  /** How many of its workers run a job now. */
  int workersBusy();

  /** Its HTTP latency p99 (ms) since the last call; empty without metrics or requests. */
  OptionalDouble httpP99Ms();

  /** Jobs delivered to its workers and not started yet; empty without metrics. */
  OptionalLong jobsQueued();
}

package com.example.template.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * The members of the cluster, as Vert.x node ids, and word when one leaves: what a
 * {@link JobClient} needs to route jobs to nodes and to notice when it loses one.
 */
public interface ClusterNodes {

  /** This JVM's node id. */
  String self();

  /** The node ids of every member now, this one included. */
  List<String> all();

  /** Calls the listener, on any thread, with the id of each member that leaves from now on. */
  void onLeft(Consumer<String> listener);

  /**
   * Calls the listener, on any thread, with the id of each member that joins from now on: a
   * new node, or one that left and comes back when a split cluster merges again.
   */
  default void onJoined(Consumer<String> listener) {
  }
}

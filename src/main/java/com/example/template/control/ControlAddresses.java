package com.example.template.control;

/**
 * The event-bus addresses a launcher and its children talk on. They are private to the cluster:
 * the TCP bridge never lets a frame reach them. Each launcher has its own id, so several
 * launchers (one per host) can share one cluster without hearing each other's children.
 */
public final class ControlAddresses {

  /** Prefix of every control address; the bridge refuses anything under it. */
  private static final String PREFIX = "supervisor.";

  private ControlAddresses() {
  }

  /**
   * Where a launcher's children report that they are ready: {@code {"name", "node", "pid",
   * "httpPort", "managementPort"}} (-1: no metrics); and, earlier, greet it with
   * {@code {"name", "starting": true}}.
   */
  public static String ready(String launcherId) {
    return PREFIX + launcherId + ".ready";
  }

  /**
   * Where a child takes its launcher's orders: {@code {"op": "ping"}} answers the child's stats;
   * {@code {"op": "drain"}} makes it drain and exit 0.
   */
  public static String child(String launcherId, String childName) {
    return PREFIX + launcherId + ".child." + childName;
  }
}

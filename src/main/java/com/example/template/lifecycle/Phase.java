package com.example.template.lifecycle;

/** The lifecycle of a node. It only ever moves forward. */
public enum Phase {
  /** Deploying: not ready for traffic. */
  STARTING,
  /** Listening and every job consumer registered: ready for traffic. */
  READY,
  /** Finishing what it has, telling keep-alive clients to leave: not ready. */
  DRAINING
}

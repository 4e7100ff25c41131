package com.example.template.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A port this process is about to listen on, checked free first with a plain bind (without
 * {@code SO_REUSEPORT}), so that a port someone holds is one line on stderr before anything
 * starts. Two cases need it:
 *
 * <ul>
 *   <li>One port, one deployment: a launcher's children bind the HTTP port (and the bridge's) with
 *       {@code SO_REUSEPORT}, which would let them share it with any other process that did too
 *       (another launcher's children) and split its requests or bridge connections.
 *   <li>A fixed {@code cluster.port}: Hazelcast, finding it held, says so in about 70 lines of
 *       ERRORs and stack traces (and a launcher would have forked a child by then).
 * </ul>
 */
public final class PortCheck {

  private PortCheck() {
  }

  /**
   * @param which how the error line names the listener after the address ("" for HTTP's, else
   *     e.g. {@code " (bridge)"})
   * @throws PortTaken when the port cannot be bound; port 0 (a free one) is never checked
   */
  public static void requireFree(String host, int port, String which) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      String reason = String.valueOf(e.getMessage()).contains("in use") ? "address already in use" : e.getMessage();
      throw new PortTaken("cannot listen on " + host + ":" + port + which + ": " + reason, e);
    }
  }

  /** The port cannot be listened on; the message is the one line the user sees. */
  public static final class PortTaken extends RuntimeException {

    PortTaken(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

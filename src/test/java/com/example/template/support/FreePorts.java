package com.example.template.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free port for a test to hand to something that binds it later (another process, or a server
 * started afterwards). Not the one the kernel picks for port 0: that comes from the ephemeral
 * range, where every outgoing connection (Hazelcast's, the event bus's, a client's) also takes its
 * local port, so between the pick and the bind one of them may hold it. Seen once in CI: the
 * children of {@code BridgeClusterIT} found their bridge port, 32901, in use at every restart. A
 * random port just below that range, checked free, is one no connection takes.
 */
public final class FreePorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private FreePorts() {
  }

  public static int next() {
    int high = ephemeralStart();
    int low = Math.max(1024, high - 12_000);
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(low, high);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + low + " and " + high + " in 200 tries");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port)); // the wildcard: taken on any address means taken
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // Linux's first ephemeral port (32768 unless the host changed it). Read by line: Files.readString
  // trusts the size procfs reports, and read "3" here.
  private static int ephemeralStart() {
    try {
      int start = Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
      return start > 2_048 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}

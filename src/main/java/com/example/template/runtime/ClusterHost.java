package com.example.template.runtime;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/**
 * Checks {@code cluster.host} (and a fixed {@code cluster.port}) before anything joins with it.
 * Hazelcast and the event bus bind to that address alone, so it must be an address of one of this
 * host's interfaces, written as an IP address (Hazelcast matches its interfaces by address, never
 * by name). A typo used to reach Hazelcast, and the operator read "CANNOT start on this node" in
 * about 60 lines of ERRORs and stack traces from Hazelcast and Vert.x before the launcher's one
 * line.
 */
public final class ClusterHost {

  private ClusterHost() {
  }

  /**
   * Checks the address Hazelcast is about to bind, before a launcher forks or a node joins: the
   * host is one of this host's ({@link #requireLocal}) and a fixed {@code cluster.port} is free
   * ({@link PortCheck}).
   *
   * @throws ConfigException when the host is not this host's
   * @throws PortCheck.PortTaken when someone holds the fixed port
   */
  public static void requireBindable(AppConfig.Cluster cluster) {
    requireLocal(cluster.host());
    PortCheck.requireFree(cluster.host(), cluster.port(), " (cluster)");
  }

  /** @throws ConfigException naming the addresses this host has, when {@code host} is not one of them */
  public static void requireLocal(String host) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
    if (address == null) {
      throw new ConfigException("cluster.host (-cluster-host) must be an IP address of this host, not '" + host
          + "': Hazelcast binds to it and matches interfaces by address; this host has " + localAddresses());
    }
    boolean local;
    try {
      local = NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return; // the interfaces cannot be listed here: let the bind itself say
    }
    if (!local) {
      throw new ConfigException("cluster.host (-cluster-host) " + host + " is not an address of this host, "
          + "and Hazelcast and the event bus bind to it alone; this host has " + localAddresses());
    }
  }

  private static String localAddresses() {
    try {
      List<String> addresses = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .flatMap(NetworkInterface::inetAddresses)
          .filter(address -> !address.isLinkLocalAddress())
          .map(NetUtil::toAddressString)
          .sorted()
          .toList();
      return addresses.isEmpty() ? "no address" : String.join(", ", addresses);
    } catch (SocketException e) {
      return "addresses that cannot be listed (" + e.getMessage() + ")";
    }
  }
}

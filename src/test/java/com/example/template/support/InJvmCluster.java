package com.example.template.support;

import com.example.template.config.AppConfig;
import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import io.vertx.core.Future;
import java.nio.file.Path;

/**
 * Members of one cluster inside a test's JVM, found at an exact address as a launcher's children
 * find their launcher: the first member binds a free port of its own, the others join it there.
 * Joining through {@code conf/cluster.xml}'s port range instead, a member that lands outside
 * 5701-5703 (other JVMs on the host hold them) is never found and starts a cluster of its own.
 */
public final class InJvmCluster {

  private static final Path CLUSTER_FILE = Path.of("conf/cluster.xml");

  private final ClusterIdentity identity;
  private final int port = FreePorts.next();

  /** @param identity the cluster's identity, or null for a plain event bus ({@code cluster.insecure}) */
  public InJvmCluster(ClusterIdentity identity) {
    this.identity = identity;
  }

  /** The first member: it binds its own port, the one the others join. */
  public Future<VertxFactory.Clustered> first() {
    return VertxFactory.join(cluster(port), CLUSTER_FILE, identity);
  }

  /** Another member, with the given identity (an outsider's, to try what it can do). */
  public Future<VertxFactory.Clustered> join(ClusterIdentity as) {
    return VertxFactory.joinLauncher(cluster(0), CLUSTER_FILE, as, address());
  }

  /** The first member's Hazelcast address, {@code host:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Another member with the cluster's identity. */
  public Future<VertxFactory.Clustered> join() {
    return join(identity);
  }

  private AppConfig.Cluster cluster(int port) {
    return new AppConfig.Cluster(CLUSTER_FILE.toString(), "unused", "127.0.0.1", port, null, identity == null);
  }
}

package com.example.template.launcher;

import com.example.template.security.SelfSignedCertificate;
import com.example.template.support.JarProcess;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Another process on the host that tries to get into a deployment, written as an attacker would
 * write it: its own Hazelcast and Vert.x setup (none of the application's code), aimed straight
 * at the launcher's Hazelcast address, with whatever cluster name and key it has.
 */
final class Outsider {

  /** The launcher's line that says where its cluster member listens; group 1 is {@code host:port}. */
  static final Pattern LAUNCHER_ADDRESS = Pattern.compile("cluster member at (\\S+), ");

  private Outsider() {
  }

  /** A clustered Vert.x and the Hazelcast under it. */
  record Member(Vertx vertx, HazelcastClusterManager manager) {
    void close() throws Exception {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Joins Hazelcast with the given name at the launcher's address and returns how many members it
   * then sees, itself included. A wrong name is refused and leaves it alone, a cluster of 1.
   */
  static int membersSeen(String clusterName, String launcherAddress) {
    HazelcastInstance instance = Hazelcast.newHazelcastInstance(hazelcast(clusterName, launcherAddress));
    try {
      return instance.getCluster().getMembers().size();
    } finally {
      instance.shutdown();
    }
  }

  /**
   * A clustered Vert.x that joins with this name; its event bus is plain, or TLS with its own key
   * (which it also trusts) when one is given.
   */
  static Member vertx(String clusterName, String launcherAddress, SelfSignedCertificate key) throws Exception {
    EventBusOptions eventBus = new EventBusOptions().setHost("127.0.0.1").setPort(0);
    if (key != null) {
      eventBus.setSsl(true).setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertValue(Buffer.buffer(key.certificate())).setKeyValue(Buffer.buffer(key.privateKey())))
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(key.certificate())));
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(clusterName, launcherAddress));
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(eventBus)).withClusterManager(manager)
        .buildClustered().await(60, TimeUnit.SECONDS);
    return new Member(vertx, manager);
  }

  private static Config hazelcast(String clusterName, String launcherAddress) {
    Config config;
    try {
      config = new FileSystemXmlConfig(JarProcess.appHome().resolve("conf/cluster.xml").toFile());
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException(e);
    }
    config.setClusterName(clusterName);
    config.getNetworkConfig().setPort(0).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    config.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(List.of(launcherAddress));
    return config;
  }
}

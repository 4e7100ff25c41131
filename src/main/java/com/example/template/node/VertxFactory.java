package com.example.template.node;

import com.example.template.api.ClusterNodes;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link Vertx} instance: the one place for cross-cutting setup (transport, cluster
 * manager, event-bus addresses), so no verticle configures any of it.
 */
public final class VertxFactory {

  private static final Logger LOG = LoggerFactory.getLogger(VertxFactory.class);

  private VertxFactory() {
  }

  /** A standalone Vert.x on the native transport when it loads. */
  public static Vertx standalone() {
    return warnIfNio(Vertx.builder().with(options()).build());
  }

  /**
   * A Vert.x that joins the Hazelcast cluster described by the config's cluster file.
   *
   * @param clusterFile the Hazelcast XML, already resolved against the application home
   */
  public static Future<Vertx> clustered(AppConfig.Cluster cluster, Path clusterFile) {
    return join(cluster, clusterFile).map(Clustered::vertx);
  }

  /**
   * Like {@link #clustered(AppConfig.Cluster, Path)}, calling {@code onMember} (on a Hazelcast
   * thread) as soon as this JVM is a member of the cluster, before Vert.x has finished setting
   * itself up on it.
   */
  public static Future<Vertx> clustered(AppConfig.Cluster cluster, Path clusterFile, Runnable onMember) {
    Config config = hazelcastConfig(cluster, clusterFile);
    config.addListenerConfig(new ListenerConfig((LifecycleListener) event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.STARTED) {
        onMember.run();
      }
    }));
    return build(cluster, config).map(Clustered::vertx);
  }

  /** A clustered Vert.x and its view of the cluster's members, for nodes that route jobs. */
  public record Clustered(Vertx vertx, ClusterNodes nodes) {
  }

  /** Like {@link #clustered}, with the members' view a {@link com.example.template.api.JobClient} needs. */
  public static Future<Clustered> join(AppConfig.Cluster cluster, Path clusterFile) {
    return build(cluster, hazelcastConfig(cluster, clusterFile));
  }

  private static Future<Clustered> build(AppConfig.Cluster cluster, Config hazelcast) {
    VertxOptions options = options().setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host())
        .setPort(0));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .map(vertx -> new Clustered(warnIfNio(vertx), new HazelcastNodes(manager)));
  }

  /** Reads the Hazelcast XML and applies {@code -cluster-host} / {@code -cluster-port}. */
  static Config hazelcastConfig(AppConfig.Cluster cluster, Path clusterFile) {
    Config config;
    try {
      config = new FileSystemXmlConfig(clusterFile.toFile());
    } catch (FileNotFoundException e) {
      throw new ConfigException("config: cannot read the cluster file " + clusterFile, e);
    } catch (RuntimeException e) {
      throw new ConfigException("config: " + clusterFile + " is not a valid Hazelcast config: " + e.getMessage(), e);
    }
    config.setClusterName(cluster.name());
    if (cluster.port() > 0) {
      config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false);
    }
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(cluster.host()));
    return config;
  }

  private static VertxOptions options() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  // Vert.x falls back to NIO without a word when epoll cannot load; a node that silently lost
  // SO_REUSEPORT is worse than one that says so.
  private static Vertx warnIfNio(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.warn("native transport (epoll) unavailable, using NIO: {}",
          cause == null ? "no reason given" : cause.getMessage());
    }
    return vertx;
  }

  /** The transport's name for the startup line. */
  public static String transport(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }
}

package com.example.template.runtime;

import com.example.template.api.ClusterNodes;
import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.metrics.Meters;
import com.example.template.security.ClusterIdentity;
import com.example.template.security.EventBusKeyCert;
import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

/**
 * Builds the {@link Vertx} instance: the one place for cross-cutting setup (transport, cluster
 * manager, event-bus addresses and TLS, metrics), so no verticle configures any of it.
 *
 * <p>Every clustered Vert.x it builds binds Hazelcast and the event bus to {@code cluster.host}
 * only, and joins with a {@link ClusterIdentity}: its secret name is the Hazelcast cluster name,
 * and its key makes the event bus mutual TLS, so a process without the key can neither deliver a
 * message to a node nor receive one. There are three ways in:
 * <ul>
 *   <li>{@link #launcher}: the first member of a launcher's private cluster;</li>
 *   <li>{@link #joinLauncher}: a launcher's child, at the launcher's exact address;</li>
 *   <li>{@link #join}: a node or a service joining by hand, with the operator's identity.</li>
 * </ul>
 */
public final class VertxFactory {

  private static final Logger LOG = LoggerFactory.getLogger(VertxFactory.class);

  private VertxFactory() {
  }

  /** A standalone Vert.x on the native transport when it loads, without metrics. */
  public static Vertx standalone() {
    return standalone(null);
  }

  /**
   * A standalone Vert.x on the native transport when it loads, with metrics when
   * {@code management.enabled} ({@link Meters#of} finds them).
   *
   * @param management null for none
   */
  public static Vertx standalone(AppConfig.Management management) {
    Meters meters = meters(management);
    return warnIfNio(attach(meters, builder(options(), meters).build()));
  }

  /** A clustered Vert.x and its view of the cluster's members, for nodes that route jobs. */
  public record Clustered(Vertx vertx, ClusterNodes nodes) {
  }

  /**
   * A node or a service that joins by hand ({@code bin/run.sh -cluster}, the JVM client): with the
   * operator's identity from {@code cluster.identityDir}, finding the members through the cluster
   * file; see {@link #configuredIdentity}.
   *
   * @param loader resolves the cluster file and the identity directory against the application home
   * @throws ConfigException when there is no identity and no opt-out, or the files are wrong
   */
  public static Future<Clustered> join(AppConfig.Cluster cluster, ConfigLoader loader) {
    return join(cluster, loader, null);
  }

  /**
   * Like {@link #join(AppConfig.Cluster, ConfigLoader)}, for a node: with metrics when {@code management.enabled}.
   *
   * @param management null for none
   */
  public static Future<Clustered> join(AppConfig.Cluster cluster, ConfigLoader loader, AppConfig.Management management) {
    Path identityDir = cluster.identityDir() == null ? null : loader.resolve(cluster.identityDir());
    ClusterIdentity identity = configuredIdentity(cluster, identityDir);
    ClusterHost.requireBindable(cluster);
    return build(cluster, identity, hazelcastConfig(cluster, loader.resolve(cluster.configFile()), true), meters(management));
  }

  /**
   * The identity of a member that shares its cluster with others the operator set up: the one in
   * the identity directory; without one, none (the name of {@code cluster.name} and a plain event
   * bus) if {@code cluster.insecure} says so, with a warning at every start; else a refusal.
   *
   * @param identityDir {@code cluster.identityDir}, resolved, or null
   * @return the identity, or null for none
   * @throws ConfigException when there is no identity and no opt-out, or the files are wrong
   */
  public static ClusterIdentity configuredIdentity(AppConfig.Cluster cluster, Path identityDir) {
    if (identityDir != null) {
      return ClusterIdentity.load(identityDir);
    }
    if (!cluster.insecure()) {
      throw new ConfigException("a clustered node needs a private identity: set cluster.identityDir to a directory "
          + "made by 'bin/run.sh identity DIR' (the same one on every node), or cluster.insecure to true to run without one");
    }
    LOG.warn("cluster.insecure is true: joining cluster '{}' without a private identity. The event bus is plain TCP on {} "
        + "and anyone who can reach it and knows the name can join, read every job and send orders; "
        + "set cluster.identityDir instead", cluster.name(), cluster.host());
    return null;
  }

  /**
   * Joins with the given identity, finding the members through the cluster file.
   *
   * @param identity the cluster's identity, or null for the cluster name of the config and a plain
   *     event bus (what {@code cluster.insecure} allows)
   */
  public static Future<Clustered> join(AppConfig.Cluster cluster, Path clusterFile, ClusterIdentity identity) {
    return build(cluster, identity, hazelcastConfig(cluster, clusterFile, true), null);
  }

  /**
   * A launcher's child: joins the launcher at exactly its address, with the identity the launcher
   * handed over, on a free port of its own. No port range is probed, so whatever else listens
   * on 5701-5703 changes nothing.
   *
   * @param identity the launcher's identity, or null when the launcher runs without one
   *     ({@code cluster.insecure})
   * @param launcherAddress the launcher's Hazelcast member address, {@code host:port}
   */
  public static Future<Clustered> joinLauncher(AppConfig.Cluster cluster, Path clusterFile, ClusterIdentity identity,
      String launcherAddress) {
    return joinLauncher(cluster, clusterFile, identity, launcherAddress, null);
  }

  /**
   * Like {@link #joinLauncher(AppConfig.Cluster, Path, ClusterIdentity, String)}, with metrics when
   * {@code management.enabled}.
   *
   * @param management null for none
   */
  public static Future<Clustered> joinLauncher(AppConfig.Cluster cluster, Path clusterFile, ClusterIdentity identity,
      String launcherAddress, AppConfig.Management management) {
    // The launcher checked this file against Hazelcast's schema when it started; the schema costs
    // each child ~0.25 s of CPU (xerces loading the XSD), while its siblings start beside it.
    Config config = hazelcastConfig(cluster, clusterFile, false);
    config.getNetworkConfig().setPort(0).setPortAutoIncrement(false); // 0: an ephemeral port
    config.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(List.of(launcherAddress));
    // A lite member holds no partition: the launcher (one per host) holds Vert.x's registrations,
    // so a child's start, crash or reload migrates nothing (docs/OPERATIONS.md has the figures).
    // The child still reads and writes them; it dies with its launcher anyway.
    config.setLiteMember(true);
    // A member that joins a cluster of more than its master checks that it is connected to every
    // other member, and each check that finds one unconnected sleeps a whole second
    // (AbstractJoiner.ensureConnectionToAllMembers): every child that joined beside a sibling, at
    // start, reload and scale, waited ~1 s there. Without the check, the connection to a sibling
    // is made by the first operation that needs it (Vert.x registers its subscription listener
    // on every member), and an attempt that finds none is retried after a backoff capped by
    // hazelcast.invocation.retry.pause.millis: 50 ms instead of 500 retries as soon as the
    // connection is there. Children restarted under wrk, 10 each (docs/BENCHMARKS.md): 2.0 to 4.2 s
    // to online with the check, 2.4 to 3.4 s without, 2.2 to 3.2 s without and with 50 ms. An
    // operation that keeps failing gives up after its 250 retries, in about 12 s instead of the
    // 60 s invocation timeout; a child whose launcher is gone stops anyway.
    config.setProperty("hazelcast.connect.all.wait.seconds", "0");
    config.setProperty("hazelcast.invocation.retry.pause.millis", "50");
    trimThreads(config);
    return build(cluster, identity, config, meters(management));
  }

  /**
   * Hazelcast sizes its thread pools for a member that owns partitions and serves clients: 3 input
   * and 3 output I/O threads, an operation thread per core, 2 generic operation threads, 5 event
   * threads, and a health monitor that wakes on its own. A lite child owns no partition, serves no
   * client and talks to one launcher; it shares its cores with its HTTP event loops. One of each
   * is plenty for its registry lookups and its few events. (The slow-operation detector stays: off,
   * it logs a WARN at every start.)
   */
  static void trimThreads(Config config) {
    config.setProperty("hazelcast.io.thread.count", "1");
    config.setProperty("hazelcast.operation.thread.count", "1");
    config.setProperty("hazelcast.operation.generic.thread.count", "1");
    config.setProperty("hazelcast.event.thread.count", "1");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
  }

  /**
   * The launcher's Vert.x. {@code onMember} runs (on a Hazelcast thread) as soon as this JVM is a
   * member, before Vert.x has finished setting itself up on it, with the address its children join.
   *
   * @param identity the cluster's identity, or null for none ({@code cluster.insecure})
   * @param alone true with a fresh identity: nobody else has it, so nobody is looked for, and the
   *     port is a free one unless {@code cluster.port} names one; false with the operator's: the
   *     cluster file says where the other launchers are
   * @param management its metrics (the JVM's) when {@code management.enabled}
   */
  public static Future<Vertx> launcher(AppConfig.Cluster cluster, Path clusterFile, ClusterIdentity identity,
      boolean alone, AppConfig.Management management, Consumer<String> onMember) {
    Config config = hazelcastConfig(cluster, clusterFile, true);
    if (alone) {
      if (cluster.port() == 0) {
        config.getNetworkConfig().setPort(0).setPortAutoIncrement(false);
      }
      config.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(List.of());
    }
    config.addListenerConfig(new ListenerConfig(new OnMember(onMember)));
    return build(cluster, identity, config, meters(management)).map(Clustered::vertx);
  }

  private static Future<Clustered> build(AppConfig.Cluster cluster, ClusterIdentity identity, Config hazelcast,
      Meters meters) {
    hazelcast.setClusterName(identity == null ? cluster.name() : identity.name());
    VertxOptions options = options().setEventBusOptions(eventBusOptions(cluster.host(), identity));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    return builder(options, meters).withClusterManager(manager).buildClustered()
        .map(vertx -> new Clustered(warnIfNio(attach(meters, vertx)), new HazelcastNodes(manager)));
  }

  // Metrics are set up here with the rest of Vert.x, or not at all: off, Vert.x runs without its
  // metrics SPI and pays nothing for it.
  private static Meters meters(AppConfig.Management management) {
    return management != null && management.enabled() ? new Meters(JobApi.PUBLIC_ADDRESSES) : null;
  }

  private static VertxBuilder builder(VertxOptions options, Meters meters) {
    return meters == null ? Vertx.builder().with(options) : meters.builder(options);
  }

  private static Vertx attach(Meters meters, Vertx vertx) {
    return meters == null ? vertx : meters.attach(vertx);
  }

  /**
   * The clustered event bus: bound to {@code host} only and, with an identity, mutual TLS. Both
   * sides present the identity's certificate and accept only the identity's trust. Vert.x's
   * event-bus client verifies no host name (ClusteredEventBus sets the algorithm to ""), so one
   * certificate serves every host: the key, not the address, is what a member proves.
   */
  static EventBusOptions eventBusOptions(String host, ClusterIdentity identity) {
    EventBusOptions options = new EventBusOptions().setHost(host).setPort(0);
    if (identity != null) {
      options.setSsl(true)
          .setSslEngineOptions(sslEngine())
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(EventBusKeyCert.of(identity.certificate(), identity.privateKey()))
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(identity.trust())));
    }
    return options;
  }

  /**
   * OpenSSL (BoringSSL, shipped in the jar for Linux x86-64 and ARM64) where it loads, else the
   * JDK's engine. A child's first handshakes happen while its JVM is cold, and on a launcher that
   * is starting two children at once: the JDK's engine runs its EC crypto interpreted then, and
   * the launcher's first round trip to a fresh child took 0.8 to 3.2 s here under load, against
   * 0.1 to 1.1 s with OpenSSL in the same runs.
   */
  private static SSLEngineOptions sslEngine() {
    return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /**
   * Reads the Hazelcast XML and binds it to {@code cluster.host} alone: Hazelcast's own default
   * listens on every interface, whatever address it advertises. Applies {@code -cluster-port}.
   * The cluster name is set later, from the identity.
   *
   * @param validate whether to check the file against Hazelcast's XML schema (an unknown element is
   *     an error then, and ignored otherwise)
   */
  static Config hazelcastConfig(AppConfig.Cluster cluster, Path clusterFile, boolean validate) {
    Config config;
    try {
      config = validate ? new FileSystemXmlConfig(clusterFile.toFile()) : unvalidated(clusterFile);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new ConfigException("config: cannot read the cluster file " + clusterFile, e);
    } catch (IOException e) {
      throw new ConfigException("config: cannot read the cluster file " + clusterFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ConfigException("config: " + clusterFile + " is not a valid Hazelcast config: " + e.getMessage(), e);
    }
    if (cluster.port() > 0) {
      config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false);
    }
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Hazelcast starts each of its log lines with the cluster name, which is a secret here.
    config.setProperty("hazelcast.logging.details.enabled", "false");
    return config;
  }

  private static Config unvalidated(Path clusterFile) throws IOException {
    try (InputStream in = Files.newInputStream(clusterFile)) {
      return new XmlConfigBuilder(in) {
        @Override
        protected void schemaValidation(Document doc) {
          // validated by the launcher
        }
      }.build();
    }
  }

  /** Tells the launcher its member address once it is a member; Hazelcast injects the instance. */
  private static final class OnMember implements LifecycleListener, HazelcastInstanceAware {
    private final Consumer<String> onMember;
    private volatile HazelcastInstance instance;

    OnMember(Consumer<String> onMember) {
      this.onMember = onMember;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
      instance = hazelcastInstance;
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
      if (event.getState() == LifecycleEvent.LifecycleState.STARTED) {
        Address address = instance.getCluster().getLocalMember().getAddress();
        String host = address.getHost().contains(":") ? "[" + address.getHost() + "]" : address.getHost(); // IPv6
        onMember.accept(host + ":" + address.getPort());
      }
    }
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

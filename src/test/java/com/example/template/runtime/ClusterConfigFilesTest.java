package com.example.template.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hazelcast files in conf/ load, and say what the docs say they say. */
class ClusterConfigFilesTest {

  private static final AppConfig.Cluster LOOPBACK = new AppConfig.Cluster("unused", "test-cluster", "127.0.0.1", 0, null, false);

  @Test
  void theDefaultClusterJoinsOnLoopbackOverTcpWithoutWaiting() {
    Config config = VertxFactory.hazelcastConfig(LOOPBACK, Path.of("conf/cluster.xml"), true);
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    assertThat(config.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
  }

  @Test
  void everyClusterFileBindsOnlyClusterHostAndLogsNoClusterName() {
    for (String file : new String[] {"conf/cluster.xml", "conf/cluster-hosts.xml", "conf/cluster-kubernetes.xml"}) {
      Config config = VertxFactory.hazelcastConfig(LOOPBACK, Path.of(file), true);
      assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).as(file).isTrue();
      assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).as(file).containsExactly("127.0.0.1");
      assertThat(config.getProperty("hazelcast.socket.bind.any")).as(file).isEqualTo("false");
      assertThat(config.getProperty("hazelcast.logging.details.enabled")).as(file).isEqualTo("false");
    }
  }

  @Test
  void theMultiHostVariantListsExplicitMembersAndDropsASilentHostWithinSeconds() {
    Config config = VertxFactory.hazelcastConfig(LOOPBACK, Path.of("conf/cluster-hosts.xml"), true);
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().getMembers()).hasSize(3);
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    // the figures docs/OPERATIONS.md measured with bench/hosts.sh
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("4");
    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("5");
    assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("5");
  }

  @Test
  void theKubernetesVariantDiscoversThroughTheKubernetesApi() {
    JoinConfig join = VertxFactory.hazelcastConfig(LOOPBACK, Path.of("conf/cluster-kubernetes.xml"), true)
        .getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("vertx-template");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
  }

  @Test
  void aChildReadsTheFileTheLauncherValidatedToTheSameConfig() {
    // A launcher's children skip the schema (the launcher checked the file); nothing else differs.
    for (String file : new String[] {"conf/cluster.xml", "conf/cluster-hosts.xml", "conf/cluster-kubernetes.xml"}) {
      Config validated = VertxFactory.hazelcastConfig(LOOPBACK, Path.of(file), true);
      Config unvalidated = VertxFactory.hazelcastConfig(LOOPBACK, Path.of(file), false);
      assertThat(unvalidated.getProperties()).as(file).isEqualTo(validated.getProperties());
      assertThat(unvalidated.getNetworkConfig().toString()).as(file).isEqualTo(validated.getNetworkConfig().toString());
      assertThat(unvalidated.getMultiMapConfig("__vertx.subs").toString()).as(file)
          .isEqualTo(validated.getMultiMapConfig("__vertx.subs").toString());
      assertThat(unvalidated.getMetricsConfig().isEnabled()).as(file).isEqualTo(validated.getMetricsConfig().isEnabled());
    }
  }

  @Test
  void aMissingOrBrokenClusterFileIsAClearConfigError(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("cluster.xml");
    Files.writeString(broken, "<hazelcast><network><join>");
    for (boolean validate : new boolean[] {true, false}) {
      assertThatThrownBy(() -> VertxFactory.hazelcastConfig(LOOPBACK, Path.of("conf/nope.xml"), validate))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("cannot read the cluster file");
      assertThatThrownBy(() -> VertxFactory.hazelcastConfig(LOOPBACK, broken, validate))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("is not a valid Hazelcast config");
    }
  }
}

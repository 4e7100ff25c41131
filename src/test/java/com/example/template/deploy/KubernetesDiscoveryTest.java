package com.example.template.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.TestNodes;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.KubernetesConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hazelcast's Kubernetes discovery as conf/cluster-kubernetes.xml sets it up, against a stand-in
 * for the API server that allows what rbac.yaml's Role grants and nothing else: a second member
 * finds the first through the headless service's EndpointSlices, though neither is ready yet, and
 * every request the discovery made was allowed but the one it does without.
 */
@ExtendWith(VertxExtension.class)
class KubernetesDiscoveryTest {

  private static final Path CLUSTER_FILE = Path.of("conf/cluster-kubernetes.xml");

  private final Manifests manifests = Manifests.load();
  private final List<Member> members = new ArrayList<>();
  private final String clusterName = "test-" + UUID.randomUUID();
  private FakeKubernetesApi api;

  @AfterEach
  void stop() throws Exception {
    List<Future<Void>> closed = new ArrayList<>();
    members.forEach(member -> closed.add(member.vertx().close()));
    await(Future.join(closed).eventually(() -> api == null ? Future.succeededFuture() : api.stop()));
  }

  @Test
  void aPodFindsTheOthersThroughTheApiTheRoleAllows(Vertx vertx) throws Exception {
    String serviceName = new FileSystemXmlConfig(CLUSTER_FILE.toString())
        .getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-name");
    api = new FakeKubernetesApi(manifests.only("Role"), serviceName);
    String url = await(api.start(vertx));

    // The first pod finds nobody and starts the cluster; from then on it is an endpoint of the
    // headless service, not ready yet, and the second pod can only learn of it from the API.
    Member first = await(member(url));
    api.addMember(first.port());
    await(member(url));
    await(TestNodes.eventually(vertx, () -> members.stream().allMatch(m -> m.manager().getNodes().size() == 2), 30_000));

    assertThat(api.requests()).contains("list discovery.k8s.io/endpointslices");
    // The zone lookup reads the pod's node, cluster-scoped, which no Role grants; the cluster file
    // uses no zone-aware partition groups, and Hazelcast says so at INFO.
    assertThat(api.forbidden()).containsOnly("get nodes");
  }

  /** A member as a pod would start it: the cluster file, its service account, its own address. */
  private Future<Member> member(String apiUrl) {
    Config config;
    try {
      config = new FileSystemXmlConfig(CLUSTER_FILE.toString());
      KubernetesConfig kubernetes = config.getNetworkConfig().getJoin().getKubernetesConfig();
      // In a pod these come from the mounted service account and the in-cluster API address.
      kubernetes.setProperty("kubernetes-master", apiUrl)
          .setProperty("api-token", FakeKubernetesApi.TOKEN)
          .setProperty("ca-certificate", Files.readString(Path.of(api.caCertificatePath())))
          .setProperty("namespace", FakeKubernetesApi.NAMESPACE);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    config.setClusterName(clusterName);
    config.getNetworkConfig().setPort(0).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(manager)
        .buildClustered()
        .map(built -> new Member(built, manager))
        .onSuccess(members::add);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** A clustered Vert.x and the Hazelcast member under it. */
  private record Member(Vertx vertx, HazelcastClusterManager manager) {

    int port() {
      return manager.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
    }
  }
}

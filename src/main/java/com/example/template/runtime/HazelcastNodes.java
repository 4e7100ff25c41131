package com.example.template.runtime;

import com.example.template.api.ClusterNodes;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.function.Consumer;

/** The cluster's members as Hazelcast sees them, in Vert.x node ids. */
final class HazelcastNodes implements ClusterNodes {

  // vertx-hazelcast stores each member's Vert.x node id in this member attribute.
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastClusterManager manager;

  HazelcastNodes(HazelcastClusterManager manager) {
    this.manager = manager;
  }

  @Override
  public String self() {
    return manager.getNodeId();
  }

  @Override
  public List<String> all() {
    return manager.getNodes();
  }

  @Override
  public void onJoined(Consumer<String> listener) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          listener.accept(nodeId);
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
      }
    });
  }

  @Override
  public void onLeft(Consumer<String> listener) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // joining nodes show up in all() once their workers registered; nothing to do
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          listener.accept(nodeId);
        }
      }
    });
  }
}

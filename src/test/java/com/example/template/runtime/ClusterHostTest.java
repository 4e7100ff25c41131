package com.example.template.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClusterHostTest {

  @Test
  void anAddressOfThisHostPasses() {
    assertThatCode(() -> ClusterHost.requireLocal("127.0.0.1")).doesNotThrowAnyException();
  }

  @Test
  void anAddressOfNoInterfaceHereIsRefusedWithThoseThereAre() {
    // TEST-NET-3: documentation only, on no interface of a test machine.
    assertThatThrownBy(() -> ClusterHost.requireLocal("203.0.113.9"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.host (-cluster-host) 203.0.113.9 is not an address of this host")
        .hasMessageContaining("this host has ")
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void aNameIsRefusedSinceHazelcastMatchesAddressesOnly() {
    assertThatThrownBy(() -> ClusterHost.requireLocal("localhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.host (-cluster-host) must be an IP address of this host, not 'localhost'");
  }
}

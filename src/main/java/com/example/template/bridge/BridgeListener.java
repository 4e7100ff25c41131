package com.example.template.bridge;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the bridge listens. Whoever reaches the bridge can run jobs, so: on loopback plain TCP is
 * fine (only processes of this host reach it); anywhere else the bridge needs TLS with client
 * certificates, or {@code bridge.insecure: true}, which is logged at every start.
 */
final class BridgeListener {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeListener.class);

  private BridgeListener() {
  }

  /**
   * The listener's options. May block: a host name is looked up to tell whether it is loopback.
   *
   * @param reusePort bind with SO_REUSEPORT, as cluster children share the port
   * @throws ConfigException when the bridge would listen off loopback without TLS and client
   *     certificates, and without {@code bridge.insecure}
   */
  static NetServerOptions options(AppConfig.Bridge bridge, boolean reusePort) {
    NetServerOptions options = new NetServerOptions()
        .setHost(bridge.host())
        .setPort(bridge.port())
        .setReusePort(reusePort);
    AppConfig.BridgeTls tls = bridge.tls();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()));
      if (tls.clientCaFile() != null) {
        options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaFile()));
      }
    }
    boolean clientsProveWhoTheyAre = tls != null && tls.clientCaFile() != null;
    if (clientsProveWhoTheyAre || loopback(bridge.host())) {
      return options;
    }
    String where = bridge.host() + ":" + bridge.port();
    if (!bridge.insecure()) {
      throw new ConfigException("config: the bridge on " + where + " is not on loopback, so it needs TLS with client "
          + "certificates (bridge.tls.certFile, bridge.tls.keyFile, bridge.tls.clientCaFile), or bridge.insecure: true");
    }
    LOG.warn("bridge on {} {}, as bridge.insecure allows: any host that reaches it can run jobs", where,
        tls == null ? "without TLS" : "without client certificates");
    return options;
  }

  /** Whether every address the host stands for is a loopback one ({@code 0.0.0.0} is not). */
  private static boolean loopback(String host) {
    try {
      return Arrays.stream(InetAddress.getAllByName(host)).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      throw new ConfigException("config: 'bridge.host' " + host + " is not a known host or address");
    }
  }
}

package com.example.template.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event bus's key material: a PKCS#8 key (what the launcher and the identity verb make) goes
 * the fast way, a JKS keystore in memory; any other PEM form Vert.x reads goes Vert.x's way. Either
 * way the key Vert.x gets signs what the certificate's public key verifies.
 */
class EventBusKeyCertTest {

  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void aFreshIdentitysEcKeyGoesThroughAnInMemoryJksKeystore() throws Exception {
    ClusterIdentity identity = ClusterIdentity.generate("test");

    KeyCertOptions options = EventBusKeyCert.of(identity.certificate(), identity.privateKey());

    assertThat(options).isInstanceOf(JksOptions.class);
    assertKeyMatchesCertificate(options, identity.certificate());
    // The clustered event bus copies its options through JSON: the key material must survive it.
    assertThat(((JksOptions) options).toJson().getString("value")).isNotEmpty();
  }

  @Test
  void anRsaPkcs8KeyGoesTheFastWayToo() throws Exception {
    String certificate = resource("rsa.crt");

    KeyCertOptions options = EventBusKeyCert.of(certificate, resource("rsa-pkcs8.key"));

    assertThat(options).isInstanceOf(JksOptions.class);
    assertKeyMatchesCertificate(options, certificate);
  }

  @Test
  void anEcPrivateKeyInSec1FormIsLeftToVertx() throws Exception {
    String certificate = resource("ec.crt");

    KeyCertOptions options = EventBusKeyCert.of(certificate, resource("ec-sec1.key"));

    assertThat(options).isInstanceOf(PemKeyCertOptions.class);
    assertKeyMatchesCertificate(options, certificate);
  }

  private static void assertKeyMatchesCertificate(KeyCertOptions options, String certificatePem) throws Exception {
    X509KeyManager manager = null;
    for (KeyManager candidate : options.getKeyManagerFactory(vertx).getKeyManagers()) {
      if (candidate instanceof X509KeyManager x509) {
        manager = x509;
      }
    }
    assertThat(manager).isNotNull();
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
    String keyType = certificate.getPublicKey().getAlgorithm();
    String alias = manager.chooseServerAlias(keyType, null, null);
    assertThat(alias).as("a %s key for a server", keyType).isNotNull();
    assertThat(manager.getCertificateChain(alias)[0]).isEqualTo(certificate);

    PrivateKey key = manager.getPrivateKey(alias);
    String algorithm = keyType.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] data = "a member proves it holds the key".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(data);
    assertThat(verifier.verify(signature)).isTrue();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EventBusKeyCertTest.class.getResourceAsStream("/tls/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}

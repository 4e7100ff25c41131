package com.example.template.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity a deployment runs with: fresh ones are unguessable, and a directory of one is its owner's only. */
class ClusterIdentityTest {

  @TempDir
  Path tmp;

  @Test
  void aFreshIdentityHas128RandomBitsInItsNameAndAValidSelfSignedCertificate() throws Exception {
    ClusterIdentity one = ClusterIdentity.generate("vertx-template");
    ClusterIdentity two = ClusterIdentity.generate("vertx-template");

    assertThat(one.name()).matches("vertx-template-[0-9a-f]{32}");
    assertThat(one.name()).isNotEqualTo(two.name());
    assertThat(one.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----").isNotEqualTo(two.privateKey());
    assertThat(one.trust()).isEqualTo(one.certificate());

    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(one.certificate().getBytes(StandardCharsets.US_ASCII)));
    certificate.checkValidity();
    certificate.verify(certificate.getPublicKey()); // signed by its own key
    // The certificate travels in clear under TLS 1.2: it must not carry the secret name.
    assertThat(certificate.getSubjectX500Principal().getName()).doesNotContain(one.name());
    // Names no host (no CN, no DNS name), so Vert.x sets up no SNI key manager for it, whose
    // PKCS#12 round trip cost every child 0.3 to 0.5 s of CPU at start (SelfSignedCertificate).
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("O=vertx-template cluster");
    assertThat(certificate.getSubjectAlternativeNames()).isNull();
  }

  @Test
  void itsToStringShowsNoSecret() {
    ClusterIdentity identity = ClusterIdentity.generate("p");
    assertThat(identity.toString()).doesNotContain(identity.name(), "PRIVATE");
  }

  @Test
  void writtenToADirectoryItIsOwnerOnlyAndReadsBackTheSame() throws Exception {
    ClusterIdentity identity = ClusterIdentity.generate("p");
    Path dir = tmp.resolve("identity");

    identity.write(dir);

    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    for (String file : new String[] {"name", "tls.crt", "tls.key"}) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(file))).as(file)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(ClusterIdentity.load(dir)).isEqualTo(identity);
  }

  @Test
  void anExistingIdentityIsNeverOverwritten() {
    Path dir = tmp.resolve("identity");
    ClusterIdentity first = ClusterIdentity.generate("p");
    first.write(dir);

    assertThatThrownBy(() -> ClusterIdentity.generate("p").write(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("already holds an identity");
    assertThat(ClusterIdentity.load(dir)).isEqualTo(first);
  }

  @Test
  void aCaFileIsTrustedInsteadOfTheCertificate() throws Exception {
    Path dir = tmp.resolve("identity");
    ClusterIdentity.generate("p").write(dir);
    String ca = ClusterIdentity.generate("ca").certificate();
    Files.writeString(dir.resolve("ca.crt"), ca);

    assertThat(ClusterIdentity.load(dir).trust()).isEqualTo(ca);
  }

  @Test
  void aMissingOrBrokenFileIsAConfigErrorNamingIt() throws Exception {
    Path dir = tmp.resolve("identity");
    ClusterIdentity.generate("p").write(dir);

    Files.delete(dir.resolve("tls.key"));
    assertThatThrownBy(() -> ClusterIdentity.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(dir.resolve("tls.key") + " is missing");

    Files.writeString(dir.resolve("tls.key"), "not a key");
    assertThatThrownBy(() -> ClusterIdentity.load(dir))
        .hasMessageContaining("holds no PEM private key");

    Files.writeString(dir.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> ClusterIdentity.load(dir))
        .hasMessageContaining("holds no valid PEM certificate");

    Files.writeString(dir.resolve("name"), "two words\n");
    assertThatThrownBy(() -> ClusterIdentity.load(dir))
        .hasMessageContaining("must hold the cluster name");
  }
}

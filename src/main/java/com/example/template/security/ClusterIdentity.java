package com.example.template.security;

import com.example.template.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;

/**
 * What makes a deployment a closed cluster: a secret cluster name, without which Hazelcast admits
 * no member, and the key material of the event bus, which runs mutual TLS so that only holders of
 * the key send or receive a message.
 *
 * <p>A launcher makes a fresh one at every start and hands it to its children on their stdin. For
 * several hosts, Kubernetes or a JVM service that joins, the operator keeps one in a directory,
 * laid out as a Kubernetes TLS secret ({@code bin/run.sh identity DIR} makes one):
 * <ul>
 *   <li>{@value #NAME_FILE}: the cluster name, one line;</li>
 *   <li>{@value #CERTIFICATE_FILE}: this member's certificate, PEM;</li>
 *   <li>{@value #KEY_FILE}: its private key, PEM (PKCS#8, or PKCS#1 RSA / SEC 1 EC);</li>
 *   <li>{@value #TRUST_FILE}, optional: the certificates to trust, PEM; without it, {@value #CERTIFICATE_FILE}.</li>
 * </ul>
 *
 * @param name the Hazelcast cluster name
 * @param certificate the event bus's certificate chain, PEM
 * @param privateKey its private key, PEM
 * @param trust the certificates a peer must present one of (or be signed by), PEM
 */
public record ClusterIdentity(String name, String certificate, String privateKey, String trust) {

  public static final String NAME_FILE = "name";
  public static final String CERTIFICATE_FILE = "tls.crt";
  public static final String KEY_FILE = "tls.key";
  public static final String TRUST_FILE = "ca.crt";

  /** The certificate's subject. Not the cluster name: under TLS 1.2 certificates travel in clear. */
  private static final String SUBJECT = "vertx-template cluster";
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final int NAME_RANDOM_BYTES = 16; // 128 bits: no one guesses it
  private static final int MAX_NAME_LENGTH = 200;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A fresh identity: the name is {@code <prefix>-<32 hex digits>}, the key a new EC P-256 key with
   * a self-signed certificate that is also the only one trusted.
   *
   * @param prefix what the name starts with, so people can tell whose cluster it is
   */
  public static ClusterIdentity generate(String prefix) {
    byte[] random = new byte[NAME_RANDOM_BYTES];
    RANDOM.nextBytes(random);
    SelfSignedCertificate key = SelfSignedCertificate.create(SUBJECT, VALIDITY);
    return new ClusterIdentity(prefix + "-" + HexFormat.of().formatHex(random),
        key.certificate(), key.privateKey(), key.certificate());
  }

  /**
   * Reads an identity directory (see the class comment).
   *
   * @throws ConfigException naming the file that is missing or wrong
   */
  public static ClusterIdentity load(Path dir) {
    String name = read(dir.resolve(NAME_FILE)).trim();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("cluster.identityDir: " + dir.resolve(NAME_FILE)
          + " must hold the cluster name: one word of 1 to " + MAX_NAME_LENGTH + " characters");
    }
    String certificate = certificates(dir.resolve(CERTIFICATE_FILE));
    String key = read(dir.resolve(KEY_FILE));
    if (!key.contains("PRIVATE KEY-----")) {
      throw new ConfigException("cluster.identityDir: " + dir.resolve(KEY_FILE) + " holds no PEM private key");
    }
    Path trustFile = dir.resolve(TRUST_FILE);
    String trust = Files.exists(trustFile) ? certificates(trustFile) : certificate;
    return new ClusterIdentity(name, certificate, key, trust);
  }

  /**
   * Writes this identity into a new directory, readable by its owner only (0700, files 0600).
   *
   * @throws ConfigException when the directory already holds an identity (it is never overwritten:
   *     nodes still running with it would be locked out) or cannot be written
   */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      for (String file : new String[] {NAME_FILE, CERTIFICATE_FILE, KEY_FILE, TRUST_FILE}) {
        if (Files.exists(dir.resolve(file))) {
          throw new FileAlreadyExistsException(dir.resolve(file).toString());
        }
      }
      writeOwnerOnly(dir.resolve(NAME_FILE), name + "\n");
      writeOwnerOnly(dir.resolve(CERTIFICATE_FILE), certificate);
      writeOwnerOnly(dir.resolve(KEY_FILE), privateKey);
    } catch (FileAlreadyExistsException e) {
      throw new ConfigException(dir + " already holds an identity (" + e.getMessage()
          + "); nodes may still use it, so it is not overwritten: choose another directory");
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException("cannot write the identity to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The identity as one JSON object, for the launcher's hand-off to its children. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("certificate", certificate)
        .put("privateKey", privateKey)
        .put("trust", trust);
  }

  /** Reads {@link #toJson()}; fails when a field is missing. */
  public static ClusterIdentity fromJson(JsonObject json) {
    ClusterIdentity identity = new ClusterIdentity(json.getString("name"), json.getString("certificate"),
        json.getString("privateKey"), json.getString("trust"));
    if (identity.name == null || identity.certificate == null || identity.privateKey == null || identity.trust == null) {
      throw new IllegalArgumentException("an identity needs name, certificate, privateKey and trust");
    }
    return identity;
  }

  /** Neither the name nor the key: a record's own toString would print them into whatever logs it. */
  @Override
  public String toString() {
    return "ClusterIdentity[secrets hidden]";
  }

  private static String certificates(Path file) {
    String pem = read(file);
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
        throw new CertificateException("no certificate in it");
      }
    } catch (CertificateException e) {
      throw new ConfigException("cluster.identityDir: " + file + " holds no valid PEM certificate: " + e.getMessage(), e);
    }
    return pem;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException("cluster.identityDir: " + file + " is missing (make a directory with 'bin/run.sh identity DIR')", e);
    } catch (IOException e) {
      throw new ConfigException("cluster.identityDir: cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }
}

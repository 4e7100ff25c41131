package com.example.template.security;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A fresh EC P-256 key and a self-signed X.509 certificate for it, both PEM, made in memory with
 * the JDK's public API. Netty's generator (behind Vert.x's {@code SelfSignedCertificate}) needs
 * BouncyCastle or the JDK's internal classes; without them, as here, it forks {@code keytool}
 * (about 1 s measured) and writes the private key to {@code /tmp}. This one writes no file and
 * takes milliseconds.
 *
 * <p>The certificate carries no secret: under TLS 1.2 it travels in clear, so its subject is a
 * fixed organization name, never the cluster name. It has no common name (CN) and no DNS name on
 * purpose: for every certificate that names a host, Vert.x prepares a key manager for SNI by
 * storing the key in an in-memory PKCS#12 keystore and reading it back, 2 x 10,000 rounds of
 * PBKDF2 per TLS context, and the C2 compilations it sets off: 0.3 to 0.5 s of CPU per child at
 * start (docs/BENCHMARKS.md). Nothing reads the name: a member is trusted because its certificate is the
 * one pinned, not for what it says it is.
 *
 * @param certificate the certificate, {@code -----BEGIN CERTIFICATE-----}
 * @param privateKey the key, PKCS#8 {@code -----BEGIN PRIVATE KEY-----}
 */
public record SelfSignedCertificate(String certificate, String privateKey) {

  // DER encodings of the object identifiers used below.
  private static final byte[] ECDSA_WITH_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
  private static final byte[] ORGANIZATION_NAME = {0x06, 0x03, 0x55, 0x04, 0x0a};

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int UTF8_STRING = 0x0c;
  private static final int UTC_TIME = 0x17;
  private static final int GENERALIZED_TIME = 0x18;
  private static final int VERSION_TAG = 0xa0;

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param organization the subject and issuer, as an organization name (O)
   * @param validity how long the certificate is valid from now (it starts a day early, for clocks
   *     that disagree a little)
   */
  public static SelfSignedCertificate create(String organization, Duration validity) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair keys = generator.generateKeyPair();
      byte[] name = der(SEQUENCE, der(SET, der(SEQUENCE, ORGANIZATION_NAME, der(UTF8_STRING, organization.getBytes(StandardCharsets.UTF_8)))));
      byte[] algorithm = der(SEQUENCE, ECDSA_WITH_SHA256);
      Instant now = Instant.now();
      byte[] serial = new byte[16];
      RANDOM.nextBytes(serial);
      byte[] tbs = der(SEQUENCE,
          der(VERSION_TAG, der(INTEGER, new byte[] {2})), // X.509 v3
          der(INTEGER, new BigInteger(1, serial).toByteArray()),
          algorithm,
          name,
          der(SEQUENCE, time(now.minus(Duration.ofDays(1))), time(now.plus(validity))),
          name,
          keys.getPublic().getEncoded()); // already a DER SubjectPublicKeyInfo
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate(), RANDOM);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] certificate = der(SEQUENCE, tbs, algorithm, der(BIT_STRING, new byte[] {0}, signature));
      return new SelfSignedCertificate(pem("CERTIFICATE", certificate), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    } catch (GeneralSecurityException e) {
      // EC P-256 and SHA256withECDSA are in every JDK since 7: this is a broken JVM.
      throw new IllegalStateException("cannot make a key pair: " + e.getMessage(), e);
    }
  }

  /** Never the key: a record's own toString would print it into whatever logs this. */
  @Override
  public String toString() {
    return "SelfSignedCertificate[private key hidden]";
  }

  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  private static byte[] time(Instant instant) {
    boolean utc = instant.atZone(ZoneOffset.UTC).getYear() < 2050;
    String text = (utc ? UTC : GENERALIZED).format(instant);
    return der(utc ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      byte[] bytes = BigInteger.valueOf(length).toByteArray();
      int skip = bytes[0] == 0 ? 1 : 0;
      out.write(0x80 | (bytes.length - skip));
      out.write(bytes, skip, bytes.length - skip);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}

package com.example.template.security;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A member's event-bus key and certificate as Vert.x key material, made without the cost Vert.x's
 * own PEM loading has at every start.
 *
 * <p>{@link PemKeyCertOptions} puts the key into an in-memory keystore of the JDK's default type,
 * PKCS#12, which encrypts it with 10,000 rounds of PBKDF2 to store it and 10,000 more to read it
 * back, on a cold JVM: 120 to 190 ms of CPU per process here, plus the C2 compilations of SHA-256
 * it sets off, while a launcher and its children start together on the same cores. A JKS keystore
 * protects the key with a single hash: 9 to 12 ms. It lives in memory only (and is handed to
 * Vert.x as bytes); the identity on disk stays the PEM files.
 *
 * <p>Only a PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----}, what the launcher and the
 * {@code identity} verb write, and what {@code openssl req -nodes} writes) takes this path; any other
 * form Vert.x reads (PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}) goes to
 * {@link PemKeyCertOptions} as before.
 */
public final class EventBusKeyCert {

  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  // The algorithms a TLS key has; a PKCS#8 key names its own, and the one that parses it is it.
  private static final List<String> ALGORITHMS = List.of("EC", "RSA", "Ed25519", "RSASSA-PSS");
  private static final String TYPE = "JKS";
  private static final String IN_MEMORY = "in-memory";

  private EventBusKeyCert() {
  }

  /**
   * @param certificatePem the certificate chain, PEM, the member's own first
   * @param keyPem its private key, PEM
   */
  public static KeyCertOptions of(String certificatePem, String keyPem) {
    PrivateKey key = pkcs8(keyPem);
    if (key == null) {
      return vertxPem(certificatePem, keyPem);
    }
    try {
      Certificate[] chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)))
          .toArray(Certificate[]::new);
      if (chain.length == 0) {
        return vertxPem(certificatePem, keyPem);
      }
      KeyStore store = KeyStore.getInstance(TYPE);
      store.load(null, null);
      store.setKeyEntry("member", key, IN_MEMORY.toCharArray(), chain);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      store.store(bytes, IN_MEMORY.toCharArray());
      // Key material as bytes, not a KeyManagerFactory: the clustered event bus copies its options
      // through JSON, where only the PEM, JKS and PFX option types survive the copy.
      return new JksOptions().setValue(Buffer.buffer(bytes.toByteArray())).setPassword(IN_MEMORY);
    } catch (GeneralSecurityException | IOException e) {
      // Vert.x's loader reads the same files and says what is wrong with them in its own words.
      return vertxPem(certificatePem, keyPem);
    }
  }

  private static PrivateKey pkcs8(String pem) {
    Matcher matcher = PKCS8.matcher(pem);
    if (!matcher.find()) {
      return null;
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm's key (or none this JDK has): try the next
      }
    }
    return null;
  }

  private static KeyCertOptions vertxPem(String certificatePem, String keyPem) {
    return new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(certificatePem))
        .setKeyValue(Buffer.buffer(keyPem));
  }
}

package com.example.template.work;

import com.example.template.api.Job;
import com.example.template.api.JobException;
import com.example.template.api.JobRoute;
import com.google.auto.service.AutoService;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * {@value #ADDRESS}: derives a password hash with PBKDF2, the classic CPU-bound job that has
 * no business on an event loop (100,000 iterations take tens of milliseconds of one core). Safe
 * to repeat (a fresh salt each time, so the hash differs). {@code POST /work/hash}.
 */
@AutoService(Job.class)
public final class HashJob implements Job {

  /**
   * {@code {"password": string, "iterations"?: int}} →
   * {@code {"algorithm", "iterations", "salt", "hash", "node", "thread"}}.
   */
  public static final String ADDRESS = "work.hash";

  /** The JDK's name for the algorithm, echoed in the reply so stored hashes stay verifiable. */
  public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  public static final int DEFAULT_ITERATIONS = 100_000;
  public static final int MIN_ITERATIONS = 1_000;
  public static final int MAX_ITERATIONS = 1_000_000;
  public static final int MAX_PASSWORD_LENGTH = 1_024;

  private static final int SALT_BYTES = 16;
  private static final int KEY_BITS = 256;

  private final SecureRandom random = new SecureRandom();

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Optional<JobRoute> route() {
    return Optional.of(JobRoute.jsonBody("/work/hash"));
  }

  /** One JDK call that cannot stop halfway, so it ignores {@code cancelled} once started. */
  @Override
  public JsonObject run(JsonObject request, BooleanSupplier cancelled) throws JobException {
    String password = JobRequests.requiredString(request, "password", MAX_PASSWORD_LENGTH);
    int iterations = (int) JobRequests.optionalLong(
        request, "iterations", DEFAULT_ITERATIONS, MIN_ITERATIONS, MAX_ITERATIONS);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder();
    return new JsonObject()
        .put("algorithm", ALGORITHM)
        .put("iterations", iterations)
        .put("salt", base64.encodeToString(salt))
        .put("hash", base64.encodeToString(derive(password, salt, iterations)));
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime ships this algorithm: not having it is a broken JDK, not bad input.
      throw new IllegalStateException(ALGORITHM + " is unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }
}

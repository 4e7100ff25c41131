package com.example.template.control;

import com.example.template.security.ClusterIdentity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a launcher tells each child before it joins: the cluster's identity and the launcher's
 * exact Hazelcast address. It travels as one JSON line on the child's stdin, a pipe only the two
 * of them hold: never the command line or the environment, which other users can read
 * ({@code ps}, {@code /proc/<pid>/cmdline}), and never a file.
 *
 * @param identity the cluster's name and event-bus key, or null when the launcher runs without one
 *     ({@code cluster.insecure}): the child then does too
 * @param launcherAddress the launcher's Hazelcast member address, {@code host:port}
 */
public record LauncherHandoff(ClusterIdentity identity, String launcherAddress) {

  // An identity with an RSA 4096 chain and a CA file is well under this.
  private static final int MAX_LINE_BYTES = 256 * 1024;

  /** The one line the launcher writes, newline included. */
  public String line() {
    return new JsonObject()
        .put("identity", identity == null ? null : identity.toJson())
        .put("launcher", launcherAddress)
        .encode() + "\n";
  }

  /**
   * Reads the hand-off line from the launcher, byte by byte so that nothing after it is consumed:
   * the child keeps reading the same stream to notice the launcher's death as end-of-file.
   *
   * @throws IllegalStateException when the stream ends first or the line is not a hand-off
   */
  public static LauncherHandoff read(InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) != '\n') {
        if (b == -1) {
          throw new IllegalStateException("the launcher closed stdin before handing over the cluster identity");
        }
        if (line.size() == MAX_LINE_BYTES) {
          throw new IllegalStateException("the hand-off line on stdin is longer than " + MAX_LINE_BYTES + " bytes");
        }
        line.write(b);
      }
      JsonObject json = new JsonObject(line.toString(StandardCharsets.UTF_8));
      String launcher = json.getString("launcher");
      if (launcher == null || !json.containsKey("identity")) {
        throw new IllegalArgumentException("identity and launcher are required");
      }
      JsonObject identity = json.getJsonObject("identity");
      return new LauncherHandoff(identity == null ? null : ClusterIdentity.fromJson(identity), launcher);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the cluster identity from stdin: " + e.getMessage(), e);
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      // Never the line itself in the message: it holds the key.
      throw new IllegalStateException("stdin did not start with the launcher's hand-off line (" + e.getClass().getSimpleName() + ")");
    }
  }
}

package com.example.template.control;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The verbs' side of the control channel ({@code list}, {@code show}, {@code reload},
 * {@code stop}): plain JDK sockets, so a verb answers without starting Vert.x.
 */
public final class ControlClient {

  /** The control socket's file in the run directory, where the launcher listens. */
  public static final String SOCKET_FILE = "launcher.sock";

  private final Path socket;

  /** @param runDir the launcher's run directory */
  public ControlClient(Path runDir) {
    this.socket = runDir.resolve(SOCKET_FILE);
  }

  /** Thrown when no launcher answers on the socket; the message says so plainly. */
  public static final class NoLauncherException extends Exception {
    NoLauncherException(String message) {
      super(message);
    }
  }

  /** Sends one command and returns the launcher's answer. */
  public JsonObject call(JsonObject request) throws NoLauncherException, IOException {
    if (!Files.exists(socket)) {
      throw new NoLauncherException("no launcher is running (no control socket at " + socket + ")");
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new NoLauncherException("no launcher is running (" + socket + " does not answer: "
            + e.getMessage() + ")");
      }
      channel.write(ByteBuffer.wrap((request.encode() + "\n").getBytes(StandardCharsets.UTF_8)));
      byte[] answer = Channels.newInputStream(channel).readAllBytes();
      return new JsonObject(new String(answer, StandardCharsets.UTF_8).trim());
    }
  }

  /** Whether a launcher answers on the socket now. */
  public boolean answers() {
    try {
      call(new JsonObject().put("cmd", "list"));
      return true;
    } catch (NoLauncherException | IOException | RuntimeException e) {
      return false;
    }
  }
}

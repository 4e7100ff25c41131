package com.example.template.bridge;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A bridge client as a non-JVM service would write one: a plain TCP socket, a 4-byte big-endian
 * length, then the JSON frame. Blocking, with a read timeout, so a test that waits for a frame
 * that never comes fails instead of hanging.
 */
public final class BridgeSocket implements AutoCloseable {

  private static final int READ_TIMEOUT_MS = 10_000;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  public BridgeSocket(int port) {
    this(plain(port));
  }

  /** A client over a socket already connected to the bridge: a TLS one, for instance. */
  BridgeSocket(Socket connected) {
    try {
      socket = connected;
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Socket plain(int port) {
    try {
      return new Socket("127.0.0.1", port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code send} frame with a fresh reply address, as the protocol's request/reply. */
  public static JsonObject send(String address, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", "reply." + UUID.randomUUID())
        .put("body", body);
  }

  /** Sends a job and returns the frame that answers it (a {@code message} or an {@code err}). */
  public JsonObject request(String address, Object body) {
    return request(send(address, body));
  }

  public JsonObject request(JsonObject frame) {
    write(frame);
    return read();
  }

  public void write(JsonObject frame) {
    writeRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A length prefix and these bytes, whatever they are. */
  void writeRaw(byte[] payload) {
    try {
      out.writeInt(payload.length);
      out.write(payload);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes exactly as given: no prefix added. */
  void writeBytes(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next frame from the bridge. */
  public JsonObject read() {
    try {
      int length = in.readInt();
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new JsonObject(new String(payload, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the bridge closed this connection: the next read meets the end of the stream (or a
   * reset) rather than a frame. Waits up to the read timeout for either.
   */
  public boolean closedByBridge() {
    try {
      return in.read() == -1;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

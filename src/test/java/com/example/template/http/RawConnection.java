package com.example.template.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One TCP connection to a node, driven byte by byte as a misbehaving client would: the things an
 * HTTP client library will not do (trickle a head, frame a body wrongly, send nothing at all).
 * Every read is bounded.
 */
final class RawConnection implements AutoCloseable {

  private static final int POLL_MS = 20;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final long openedNanos = System.nanoTime();
  private final StringBuilder received = new StringBuilder();
  private boolean closedByServer;

  RawConnection(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(POLL_MS);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends these bytes (ISO-8859-1, as HTTP/1 heads are); false when the server has closed. */
  boolean send(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      closedByServer = true;
      return false;
    }
  }

  /**
   * Sends the text one byte every {@code gap}, reading between bytes, until all is sent or the
   * server closes the connection. Returns whether the server closed it.
   */
  boolean trickle(String text, Duration gap) {
    for (int i = 0; i < text.length(); i++) {
      if (!send(text.substring(i, i + 1)) || awaitClose(gap)) {
        return true;
      }
    }
    return false;
  }

  /** Reads until the server closes the connection or the time is up; true when it closed. */
  boolean awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buffer = new byte[4096];
    while (!closedByServer && System.nanoTime() < deadline) {
      try {
        int n = in.read(buffer);
        if (n < 0) {
          closedByServer = true;
        } else {
          received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        // nothing yet: keep polling until the deadline
      } catch (SocketException e) {
        closedByServer = true; // reset
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return closedByServer;
  }

  /** Reads until {@code text} has arrived or the time is up; true when it has. */
  boolean awaitReceived(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!received.toString().contains(text) && !closedByServer && System.nanoTime() < deadline) {
      awaitClose(Duration.ofMillis(POLL_MS));
    }
    return received.toString().contains(text);
  }

  /** Everything the server sent so far. */
  String received() {
    return received.toString();
  }

  /** The status code of the first response received, or -1 when none has come. */
  int status() {
    String text = received.toString();
    return text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
  }

  /** Milliseconds since the connection opened. */
  long ageMs() {
    return Duration.ofNanos(System.nanoTime() - openedNanos).toMillis();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a socket the server already closed: nothing left to release
    }
  }
}

package com.example.template.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts the bytes of one connection into frames: a 4-byte big-endian length, then that many bytes.
 * Each whole frame goes to the handler once, as a slice of the bytes that carried it (no copy when
 * a frame arrives in one read, as it almost always does); only the start of a frame that has not
 * fully arrived is kept, and a length outside the bounds is refused on the prefix alone, so an
 * oversized frame is never buffered.
 *
 * <p>Not thread-safe: one connection's event loop feeds it.
 */
final class FrameReader {

  /** What the reader reports besides frames. */
  interface Listener {

    /** One whole frame, without its length prefix. */
    void frame(Buffer payload);

    /** A length prefix outside the bounds: the stream cannot be read any further. */
    void badLength(int length);
  }

  static final int LENGTH_BYTES = 4;

  /** The shortest JSON object, {@code {}}. */
  static final int MIN_FRAME_BYTES = 2;

  private final int maxFrameBytes;
  private final Listener listener;
  private Buffer pending;
  private boolean stopped;

  /** @param maxFrameBytes the largest frame, without its length prefix */
  FrameReader(int maxFrameBytes, Listener listener) {
    this.maxFrameBytes = maxFrameBytes;
    this.listener = listener;
  }

  /**
   * Reads the next bytes of the stream.
   *
   * @return how many frames they completed
   */
  int read(Buffer chunk) {
    Buffer data = pending == null ? chunk : pending.appendBuffer(chunk);
    int offset = 0;
    int frames = 0;
    while (!stopped && data.length() - offset >= LENGTH_BYTES) {
      int length = data.getInt(offset);
      if (length < MIN_FRAME_BYTES || length > maxFrameBytes) {
        stop();
        listener.badLength(length);
        return frames;
      }
      int end = offset + LENGTH_BYTES + length;
      if (data.length() < end) {
        break;
      }
      frames++;
      listener.frame(data.slice(offset + LENGTH_BYTES, end));
      offset = end;
    }
    // Kept as a copy: the chunk belongs to the socket, and the next chunk is appended to this.
    pending = stopped || offset == data.length() ? null : data.getBuffer(offset, data.length());
    return frames;
  }

  /** Whether a frame has begun and not ended. */
  boolean midFrame() {
    return pending != null;
  }

  /** Delivers no more frames, even of bytes already read. */
  void stop() {
    stopped = true;
    pending = null;
  }
}

package com.example.template.bridge;

import com.example.template.api.Deadline;
import com.example.template.api.JobApi;
import com.example.template.api.RequestId;
import com.example.template.config.AppConfig;
import com.example.template.work.InFlightLimit;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the TCP bridge: reads its frames, runs the jobs they ask for and
 * writes their answers, and decides when the connection ends.
 *
 * <p>A job holds one of the node's in-flight permits (shared with the HTTP front) from its frame
 * until its answer. The connection ends on the first malformed frame, on a frame begun and not
 * finished within {@code bridge.frameTimeoutMs} (a client that stalls mid-frame holds nothing
 * for long), after {@code bridge.idleTimeoutMs} with no job in flight and no frame either way, or
 * when the node drains, once its jobs in flight have answered.
 *
 * <p>Everything runs on the bridge verticle's event loop: no field needs a lock.
 */
final class BridgeConnection implements FrameReader.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  private static final long NO_TIMER = -1;

  private final Vertx vertx;
  private final NetSocket socket;
  private final InFlightLimit inFlight;
  private final long jobTimeoutMs;
  private final long frameTimeoutMs;
  private final long idleTimeoutMs;
  private final FrameReader reader;
  private final Runnable onClose;
  private int awaitingAnswers;
  private boolean draining;
  private boolean closed;
  private long frameTimer = NO_TIMER;
  private long idleTimer;
  private long lastFrameNanos = System.nanoTime();

  /**
   * @param bridge the bridge's limits
   * @param jobTimeoutMs the longest a caller waits for a job ({@code jobs.timeoutMs})
   * @param inFlight the node's bound on jobs in flight, shared with the HTTP front
   * @param onClose called once, when the connection has closed for whatever reason
   */
  BridgeConnection(Vertx vertx, NetSocket socket, AppConfig.Bridge bridge, long jobTimeoutMs, InFlightLimit inFlight,
      Runnable onClose) {
    this.vertx = vertx;
    this.socket = socket;
    this.inFlight = inFlight;
    this.jobTimeoutMs = jobTimeoutMs;
    this.frameTimeoutMs = bridge.frameTimeoutMs();
    this.idleTimeoutMs = bridge.idleTimeoutMs();
    this.onClose = onClose;
    this.reader = new FrameReader(BridgeVerticle.MAX_FRAME_BYTES, this);
  }

  /** Starts reading the connection's frames and watching its timeouts. */
  void start() {
    idleTimer = vertx.setTimer(idleTimeoutMs, this::idleCheck);
    socket.handler(this::received);
    socket.shutdownHandler(v -> drain());
    // A reset or a failed TLS read is the client's business; the close that follows ends it here.
    socket.exceptionHandler(failure -> LOG.debug("bridge: connection from {}: {}", socket.remoteAddress(), failure.toString()));
    socket.closeHandler(v -> {
      closed();
      onClose.run();
    });
  }

  private void received(Buffer chunk) {
    int frames = reader.read(chunk);
    if (closed) {
      return;
    }
    if (!reader.midFrame()) {
      cancelFrameTimer();
    } else if (frames > 0 || frameTimer == NO_TIMER) {
      // A new frame began in this chunk: its own time starts now.
      cancelFrameTimer();
      frameTimer = vertx.setTimer(frameTimeoutMs, timer -> {
        frameTimer = NO_TIMER;
        close("a frame not completed within " + frameTimeoutMs + " ms (bridge.frameTimeoutMs)");
      });
    }
  }

  @Override
  public void frame(Buffer payload) {
    lastFrameNanos = System.nanoTime();
    Frames.Inbound frame;
    try {
      frame = Frames.read(payload);
    } catch (Frames.Malformed e) {
      close(e.getMessage());
      return;
    }
    if (frame.type().equals("ping")) {
      write(Frames.pong());
    } else if (frame.address() == null) {
      write(Frames.refused("missing_address"));
    } else if (!frame.type().equals("send") || !JobApi.PUBLIC_ADDRESSES.contains(frame.address())) {
      // No client may listen to any address, nor publish: a job runs once and answers once. A
      // send reaches the public job addresses and nothing else (never supervisor.* or a node's own).
      write(Frames.refused("access_denied"));
    } else if (frame.replyAddress() == null) {
      // Without a reply address nobody learns the outcome, and the job would escape the bound.
      write(Frames.refused("missing_reply_address"));
    } else {
      job(frame);
    }
  }

  @Override
  public void badLength(int length) {
    close("a length prefix of " + length + " (a frame holds " + FrameReader.MIN_FRAME_BYTES + " to "
        + BridgeVerticle.MAX_FRAME_BYTES + " bytes)");
  }

  private void job(Frames.Inbound frame) {
    if (draining || !inFlight.tryAcquire()) {
      write(Frames.overloaded(frame.address(), frame.replyAddress(),
          draining ? "the node is draining, retry shortly" : "too many jobs in flight, retry shortly"));
      return;
    }
    awaitingAnswers++;
    vertx.eventBus().request(frame.address(), frame.body(), deliveryOptions(frame.headers()))
        .onComplete(answer -> answered(frame, answer));
  }

  /**
   * What the HTTP front gives its own jobs: a request id (echoed in the reply's headers) unless the
   * caller sent a usable one, a deadline unless the caller set one, and a reply timeout no longer
   * than the node's. Other headers are not passed on: no job reads them.
   */
  private DeliveryOptions deliveryOptions(JsonObject headers) {
    long timeoutMs = jobTimeoutMs;
    String requestId = null;
    String deadline = null;
    if (headers != null) {
      if (headers.getValue(Frames.TIMEOUT) instanceof Number asked) {
        timeoutMs = Math.min(asked.longValue(), jobTimeoutMs);
      }
      requestId = headers.getString(JobApi.HEADER_REQUEST_ID);
      deadline = headers.getString(JobApi.HEADER_DEADLINE);
    }
    requestId = RequestId.orFresh(requestId);
    if (deadline == null) {
      deadline = Deadline.in(timeoutMs);
    }
    return new DeliveryOptions()
        .setSendTimeout(timeoutMs)
        .addHeader(JobApi.HEADER_REQUEST_ID, requestId)
        .addHeader(JobApi.HEADER_DEADLINE, deadline);
  }

  private void answered(Frames.Inbound frame, AsyncResult<Message<Object>> answer) {
    awaitingAnswers--;
    inFlight.release();
    if (closed) {
      return;
    }
    if (answer.succeeded()) {
      write(Frames.reply(frame.replyAddress(), answer.result()));
    } else if (answer.cause() instanceof ReplyException failure) {
      write(Frames.failure(frame.address(), frame.replyAddress(), failure));
    } else {
      LOG.error("bridge: {} failed outside the event bus", frame.address(), answer.cause());
      write(Frames.failure(frame.address(), frame.replyAddress(),
          new ReplyException(ReplyFailure.RECIPIENT_FAILURE, JobApi.INTERNAL_ERROR, "internal error")));
    }
    if (draining && awaitingAnswers == 0) {
      end();
    }
  }

  private void write(Buffer frame) {
    lastFrameNanos = System.nanoTime();
    socket.write(frame);
  }

  /**
   * Closes the connection once it has been quiet for the idle timeout: no job in flight, no frame
   * either way. One timer at a time, pushed back rather than reset on every frame.
   */
  private void idleCheck(long timer) {
    if (closed) {
      return;
    }
    if (awaitingAnswers > 0 || reader.midFrame()) {
      // Not idle: waiting for an answer, or for the rest of a frame (which has its own timeout).
      idleTimer = vertx.setTimer(idleTimeoutMs, this::idleCheck);
      return;
    }
    long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFrameNanos);
    if (quietMs < idleTimeoutMs) {
      idleTimer = vertx.setTimer(idleTimeoutMs - quietMs, this::idleCheck);
      return;
    }
    LOG.debug("bridge: closing the connection from {}: idle for {} ms", socket.remoteAddress(), quietMs);
    closed();
    socket.close();
  }

  /** The node is draining: finish the jobs in flight, take no new ones, then close. */
  private void drain() {
    draining = true;
    if (awaitingAnswers == 0) {
      end();
    }
  }

  private void end() {
    if (!closed) {
      closed();
      socket.end();
    }
  }

  private void close(String problem) {
    if (!closed) {
      LOG.info("bridge: closing the connection from {}: {}", socket.remoteAddress(), problem);
      closed();
      socket.close();
    }
  }

  // Reads and timers stop at once; jobs in flight keep their permits until they answer.
  private void closed() {
    closed = true;
    reader.stop();
    cancelFrameTimer();
    vertx.cancelTimer(idleTimer);
  }

  private void cancelFrameTimer() {
    if (frameTimer != NO_TIMER) {
      vertx.cancelTimer(frameTimer);
      frameTimer = NO_TIMER;
    }
  }
}

package com.example.template.bridge;

import com.example.template.api.JobApi;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the TCP bridge, standing between the socket and the bridge module:
 * every frame the client sends is checked here before the module reads it, and every frame the
 * module writes back passes here on its way out.
 *
 * <p>Why it exists (each measured against {@code vertx-tcp-eventbus-bridge} 5.0.7): the module
 * reads a length prefix of any size and buffers until that many bytes came; it logs a frame that
 * is not a JSON object and carries on; and a frame it cannot handle (a negative length, an
 * unknown {@code type}, a {@code timeout} header that is not a number) throws out of its parser
 * halfway through, after which it reads the rest of the stream as garbage and never answers
 * again. Here, the first malformed frame closes this connection and nothing else. It also holds
 * the node's in-flight bound for bridge jobs, as the HTTP front does for its own, and lets the
 * connection finish its jobs when the node drains.
 *
 * <p>All of it runs on the bridge verticle's event loop: no field needs a lock.
 */
final class BridgeConnection {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  /** The frame types the module knows; any other makes it throw. */
  private static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");

  /** Delivery options the module would take from the headers; not part of this API. */
  private static final Set<String> REFUSED_HEADERS = Set.of("codecName", "localOnly");

  private static final int LENGTH_BYTES = 4;
  /** The shortest JSON object, {@code {}}. */
  private static final int MIN_FRAME_BYTES = 2;

  private final NetSocket socket;
  private final NetSocket moduleView;
  private final InFlightLimit inFlight;
  private final int maxFrameBytes;
  private Handler<Buffer> moduleParser = frame -> { };
  private Buffer unread = Buffer.buffer();
  private int awaitingReplies;
  private boolean draining;
  private boolean closed;

  /**
   * @param socket the client's socket
   * @param inFlight the node's bound on jobs in flight, shared with the HTTP front
   * @param maxFrameBytes the largest frame (without its length prefix) a client may send
   */
  BridgeConnection(NetSocket socket, InFlightLimit inFlight, int maxFrameBytes) {
    this.socket = socket;
    this.inFlight = inFlight;
    this.maxFrameBytes = maxFrameBytes;
    this.moduleView = Intercept.calls(NetSocket.class, socket, this::moduleCall);
    socket.shutdownHandler(v -> drain());
  }

  /** The socket as the bridge module must see it: its reads and writes pass through here. */
  NetSocket moduleView() {
    return moduleView;
  }

  @SuppressWarnings("unchecked")
  private Object moduleCall(Method method, Object[] args) {
    if (method.getName().equals("handler") && args.length == 1) {
      // The module's frame parser: it gets only frames that passed the checks below.
      moduleParser = args[0] == null ? frame -> { } : (Handler<Buffer>) args[0];
      socket.handler(args[0] == null ? null : this::received);
      return moduleView;
    }
    if (method.getName().equals("write") && args.length == 1 && args[0] instanceof Buffer frame) {
      return sent(frame);
    }
    return Intercept.FORWARD;
  }

  /** Bytes from the client: cut into frames, each checked, each passed on whole. */
  private void received(Buffer chunk) {
    unread.appendBuffer(chunk);
    int offset = 0;
    while (!closed && unread.length() - offset >= LENGTH_BYTES) {
      int length = unread.getInt(offset);
      if (length < MIN_FRAME_BYTES || length > maxFrameBytes) {
        // Refused on the prefix alone: an oversized frame is never buffered.
        close("a length prefix of " + length + " (a frame holds " + MIN_FRAME_BYTES + " to " + maxFrameBytes + " bytes)");
        return;
      }
      if (unread.length() - offset < LENGTH_BYTES + length) {
        break;
      }
      frame(unread.getBuffer(offset, offset + LENGTH_BYTES + length));
      offset += LENGTH_BYTES + length;
    }
    if (!closed) {
      // Keep only the start of the next frame, once per chunk rather than once per frame.
      unread = offset == unread.length() ? Buffer.buffer() : unread.getBuffer(offset, unread.length());
    }
  }

  private void frame(Buffer frame) {
    JsonObject message = jsonObject(frame.slice(LENGTH_BYTES, frame.length()));
    String problem = message == null ? "a frame that is not a JSON object" : malformation(message);
    if (problem != null) {
      close(problem);
      return;
    }
    String type = message.getString("type");
    String address = message.getString("address");
    if (address == null && !type.equals("ping")) {
      // The module's own answer, without the ERROR it logs for a client's mistake.
      error("missing_address");
      return;
    }
    if (type.equals("publish")) {
      // A job runs once and answers once; a publish would run it on every worker of the cluster.
      error("access_denied");
      return;
    }
    if (type.equals("send") && JobApi.PUBLIC_ADDRESSES.contains(address)) {
      String replyAddress = message.getString("replyAddress");
      if (replyAddress == null) {
        // Without a reply address nobody learns the outcome, and the job escapes the bound.
        error("missing_reply_address");
        return;
      }
      if (draining || !inFlight.tryAcquire()) {
        refuse(address, replyAddress, draining ? "the node is draining, retry shortly" : "too many jobs in flight, retry shortly");
        return;
      }
      awaitingReplies++;
      forwardJob(frame);
      return;
    }
    moduleParser.handle(frame);
  }

  // A job holds its permit until its answer goes out; if the module fails before sending it on,
  // no answer will come, so the permit is given back here.
  private void forwardJob(Buffer frame) {
    try {
      moduleParser.handle(frame);
    } catch (RuntimeException e) {
      awaitingReplies--;
      inFlight.release();
      LOG.error("bridge: the module failed on a job from {}", socket.remoteAddress(), e);
      close("a frame the bridge could not forward");
    }
  }

  /** Why the module could not handle this frame safely, or null when it can. */
  private static String malformation(JsonObject message) {
    if (!(message.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      return "a frame whose type is not one of " + TYPES;
    }
    for (String field : new String[] {"address", "replyAddress"}) {
      if (message.containsKey(field) && !(message.getValue(field) instanceof String)) {
        return "a frame whose '" + field + "' is not a string";
      }
    }
    Object headers = message.getValue("headers");
    if (headers == null) {
      return null;
    }
    if (!(headers instanceof JsonObject fields)) {
      return "a frame whose 'headers' is not an object";
    }
    for (Map.Entry<String, Object> header : fields) {
      if (header.getKey().equals("timeout")) {
        if (!(header.getValue() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
          return "a 'timeout' header that is not a whole number of milliseconds";
        }
      } else if (REFUSED_HEADERS.contains(header.getKey()) || !(header.getValue() instanceof String)) {
        return "a header '" + header.getKey() + "' that is not a string";
      }
    }
    return null;
  }

  private static JsonObject jsonObject(Buffer json) {
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /**
   * A frame the module writes to the client. Every job the module forwarded ends in exactly one
   * frame that names its reply address (the reply, or the failure): that frame frees its permit.
   */
  private Future<Void> sent(Buffer frame) {
    if (awaitingReplies > 0 && namesAnAddress(frame)) {
      awaitingReplies--;
      inFlight.release();
    }
    Future<Void> written = socket.write(frame);
    if (draining && awaitingReplies == 0 && !closed) {
      closed = true;
      socket.end();
    }
    return written;
  }

  private static boolean namesAnAddress(Buffer frame) {
    JsonObject message = jsonObject(frame.slice(LENGTH_BYTES, frame.length()));
    return message != null && message.containsKey("address");
  }

  /** A job refused before it ran: the same failure frame the module writes for a failed job. */
  private void refuse(String address, String replyAddress, String reason) {
    writeFrame(new JsonObject()
        .put("type", "err")
        .put("address", replyAddress)
        .put("sourceAddress", address)
        .put("failureCode", JobApi.OVERLOADED)
        .put("failureType", "RECIPIENT_FAILURE")
        .put("message", reason));
  }

  /** An error frame that answers no job: the connection stays open. */
  private void error(String message) {
    writeFrame(new JsonObject().put("type", "err").put("message", message));
  }

  private void writeFrame(JsonObject message) {
    Buffer json = message.toBuffer();
    socket.write(Buffer.buffer(LENGTH_BYTES + json.length()).appendInt(json.length()).appendBuffer(json));
  }

  /** The node is draining: finish the jobs in flight, take no new ones, then close. */
  private void drain() {
    draining = true;
    if (awaitingReplies == 0 && !closed) {
      closed = true;
      socket.end();
    }
  }

  private void close(String problem) {
    closed = true;
    unread = Buffer.buffer();
    LOG.info("bridge: closing the connection from {}: {}", socket.remoteAddress(), problem);
    socket.close();
  }
}

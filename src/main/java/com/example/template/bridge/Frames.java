package com.example.template.bridge;

import com.example.template.api.JobApi;
import com.example.template.config.WholeNumber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * The frames of the Vert.x TCP event-bus bridge protocol, both ways, as the upstream clients
 * (vertx-eventbus-bridge-clients: Node.js, Python, Java, C#) write and read them: the same field
 * names, the same {@code err} shapes and messages as the {@code vertx-tcp-eventbus-bridge} module.
 * {@code docs/EVENTBUS.md} is this class as callers see it.
 */
final class Frames {

  /** The frame types a client may send; the module knew no others. */
  private static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");

  /** The header that carries the caller's reply timeout, a number of milliseconds. */
  static final String TIMEOUT = "timeout";

  /** Delivery options the module took from the headers; not part of this API. */
  private static final Set<String> REFUSED_HEADERS = Set.of("codecName", "localOnly");

  private Frames() {
  }

  /** A frame from a client, read once and checked. */
  record Inbound(String type, String address, String replyAddress, JsonObject headers, Object body) {
  }

  /** A frame no answer can fix: the connection that sent it is closed. */
  static final class Malformed extends Exception {

    Malformed(String problem) {
      super(problem, null, false, false);
    }
  }

  /** Parses and checks one frame's payload (without its length prefix). */
  static Inbound read(Buffer payload) throws Malformed {
    JsonObject frame;
    try {
      frame = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      throw new Malformed("a frame that is not a JSON object");
    }
    if (!(frame.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      throw new Malformed("a frame whose type is not one of " + TYPES);
    }
    return new Inbound(type, string(frame, "address"), string(frame, "replyAddress"), headers(frame),
        frame.getValue("body"));
  }

  private static String string(JsonObject frame, String field) throws Malformed {
    Object value = frame.getValue(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new Malformed("a frame whose '" + field + "' is not a string");
  }

  private static JsonObject headers(JsonObject frame) throws Malformed {
    Object value = frame.getValue("headers");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject headers)) {
      throw new Malformed("a frame whose 'headers' is not an object");
    }
    for (Map.Entry<String, Object> header : headers) {
      if (header.getKey().equals(TIMEOUT)) {
        Long timeout = WholeNumber.of(header.getValue());
        if (timeout == null || timeout < 1) {
          throw new Malformed("a 'timeout' header that is not a whole number of milliseconds");
        }
      } else if (REFUSED_HEADERS.contains(header.getKey()) || !(header.getValue() instanceof String)) {
        throw new Malformed("a header '" + header.getKey() + "' that is not a string");
      }
    }
    return headers;
  }

  /** The answer to a {@code ping}. */
  static Buffer pong() {
    return encode(new JsonObject().put("type", "pong"));
  }

  /** A frame refused on its own (the connection stays open): {@code access_denied} and the like. */
  static Buffer refused(String message) {
    return encode(new JsonObject().put("type", "err").put("message", message));
  }

  /** A job's reply, to the caller's reply address, with the reply's headers. */
  static Buffer reply(String replyAddress, Message<?> reply) {
    JsonObject headers = new JsonObject();
    reply.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
    return encode(new JsonObject()
        .put("type", "message")
        .put("address", replyAddress)
        .put("headers", headers)
        .put("body", reply.body())
        .put("send", true));
  }

  /** A job's failure, to the caller's reply address. */
  static Buffer failure(String address, String replyAddress, ReplyException failure) {
    return failure(address, replyAddress, failure.failureCode(), failure.failureType(), failure.getMessage());
  }

  /** A job refused before it ran: the same shape as a job that failed. */
  static Buffer overloaded(String address, String replyAddress, String reason) {
    return failure(address, replyAddress, JobApi.OVERLOADED, ReplyFailure.RECIPIENT_FAILURE, reason);
  }

  private static Buffer failure(String address, String replyAddress, int code, ReplyFailure type, String message) {
    return encode(new JsonObject()
        .put("type", "err")
        .put("address", replyAddress)
        .put("sourceAddress", address)
        .put("failureCode", code)
        .put("failureType", type.name())
        .put("message", message));
  }

  private static Buffer encode(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return Buffer.buffer(FrameReader.LENGTH_BYTES + json.length()).appendInt(json.length()).appendBuffer(json);
  }
}

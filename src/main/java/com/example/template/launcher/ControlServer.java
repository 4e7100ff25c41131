package com.example.template.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;

/**
 * The launcher's control channel: a Unix socket in the run directory, reachable only by the user
 * who started the launcher (the directory is 0700), never through the public HTTP port. The
 * protocol is one JSON line each way: {@code {"cmd": "list"}} in, {@code {...}} out; an answer
 * with {@code "error"} failed, and one that also has {@code "usage": true} was the operator's
 * mistake (an unknown child, a scale out of bounds).
 */
final class ControlServer {

  private final Vertx vertx;
  private final Supervisor supervisor;
  private final Runnable stop;
  private NetServer server;

  /** @param stop stops the launcher (drain every child, then exit) */
  ControlServer(Vertx vertx, Supervisor supervisor, Runnable stop) {
    this.vertx = vertx;
    this.supervisor = supervisor;
    this.stop = stop;
  }

  Future<Void> listen(Path socket) {
    server = vertx.createNetServer().connectHandler(this::connected);
    return server.listen(SocketAddress.domainSocketAddress(socket.toString())).mapEmpty();
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void connected(NetSocket socket) {
    RecordParser lines = RecordParser.newDelimited("\n", line -> answer(socket, line));
    lines.maxRecordSize(64 * 1024);
    lines.exceptionHandler(e -> socket.close());
    socket.handler(lines);
  }

  private void answer(NetSocket socket, Buffer line) {
    JsonObject request;
    try {
      request = new JsonObject(line);
    } catch (RuntimeException e) {
      reply(socket, error("the request must be one JSON object", true));
      return;
    }
    // The supervisor's state lives on its event loop: ask it there.
    supervisor.eventLoop().runOnContext(v -> handle(request).onComplete(ar -> reply(socket,
        ar.succeeded() ? ar.result() : error(ar.cause().getMessage(), ar.cause() instanceof OperatorMistake))));
  }

  private Future<JsonObject> handle(JsonObject request) {
    Object cmd = request.getValue("cmd");
    try {
      return switch (String.valueOf(cmd)) {
        case "list" -> Future.succeededFuture(supervisor.describe());
        case "show" -> Future.succeededFuture(new JsonObject().put("child", supervisor.details(target(request))));
        case "reload", "restart" -> supervisor.replace(request.getValue("id") == null ? null : target(request),
            (String) cmd).map(replaced -> new JsonObject().put("replaced", replaced));
        case "scale" -> supervisor.scale(target(request.getValue("to"), request.getValue("by")));
        case "stop" -> {
          stop.run();
          yield Future.succeededFuture(new JsonObject().put("stopping", true)
              .put("pid", ProcessHandle.current().pid()));
        }
        default -> Future.succeededFuture(error("unknown command '" + cmd + "'", true));
      };
    } catch (RuntimeException e) {
      // Answered, whatever went wrong: a verb waits for its one line.
      return Future.failedFuture(e);
    }
  }

  // A slot id or a child's name; a number is taken as the id it spells.
  private static String target(JsonObject request) {
    Object id = request.getValue("id");
    if (id == null) {
      throw new OperatorMistake("which child? give its id or name");
    }
    return String.valueOf(id);
  }

  // {"to": N} or {"by": K}, K negative to remove.
  private static IntUnaryOperator target(Object to, Object by) {
    if (to instanceof Integer n && by == null) {
      return current -> n;
    }
    if (by instanceof Integer k && to == null) {
      return current -> current + k;
    }
    throw new OperatorMistake("scale takes a whole number of children (\"to\") or a change (\"by\")");
  }

  private static JsonObject error(String message, boolean usage) {
    JsonObject error = new JsonObject().put("error", message);
    return usage ? error.put("usage", true) : error;
  }

  private static void reply(NetSocket socket, JsonObject response) {
    socket.write(response.encode() + "\n").onComplete(ar -> socket.end());
  }
}

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

/**
 * The launcher's control channel: a Unix socket in the run directory, reachable only by the user
 * who started the launcher (the directory is 0700), never through the public HTTP port. The
 * protocol is one JSON line each way: {@code {"cmd": "list"}} in, {@code {...}} out.
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
      reply(socket, error("the request must be one JSON object"));
      return;
    }
    // The supervisor's state lives on its event loop: ask it there.
    supervisor.eventLoop().runOnContext(v -> handle(request).onComplete(ar ->
        reply(socket, ar.succeeded() ? ar.result() : error(ar.cause().getMessage()))));
  }

  private Future<JsonObject> handle(JsonObject request) {
    String cmd = request.getString("cmd", "");
    return switch (cmd) {
      case "list" -> Future.succeededFuture(new JsonObject()
          .put("pid", ProcessHandle.current().pid())
          .put("children", supervisor.describe()));
      case "show" -> show(request.getValue("id"));
      case "reload" -> supervisor.reload().map(replaced -> new JsonObject().put("replaced", replaced));
      case "stop" -> {
        stop.run();
        yield Future.succeededFuture(new JsonObject().put("stopping", true)
            .put("pid", ProcessHandle.current().pid()));
      }
      default -> Future.succeededFuture(error("unknown command '" + cmd + "'"));
    };
  }

  private Future<JsonObject> show(Object id) {
    for (Object child : supervisor.describe()) {
      JsonObject slot = (JsonObject) child;
      if (String.valueOf(slot.getValue("id")).equals(String.valueOf(id))) {
        return Future.succeededFuture(new JsonObject().put("child", slot));
      }
    }
    return Future.succeededFuture(error("no child with id " + id));
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  private static void reply(NetSocket socket, JsonObject response) {
    socket.write(response.encode() + "\n").onComplete(ar -> socket.end());
  }
}

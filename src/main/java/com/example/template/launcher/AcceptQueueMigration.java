package com.example.template.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether Linux hands the connections waiting in a draining child's accept queue to the other
 * children ({@code net.ipv4.tcp_migrate_req}, Linux 5.14 and later). A draining child closes its
 * listener first and serves what it already accepted; a connection the kernel queued for it but
 * Vert.x had not yet accepted is reset when that listener closes, unless the setting is 1. Since
 * the child sends no client away before its listener is closed, only a client that happens to
 * connect in that instant can meet it: none did in 15 reloads under {@code wrk} here, against 18
 * failed requests in 15 when the child sent clients away first (docs/BENCHMARKS.md). It is still
 * the one way a reload, restart or scale-down can fail a request.
 *
 * <p>It is the host's setting (its network namespace's), so the launcher only reads it and says
 * what it means; changing it is the operator's call.
 */
final class AcceptQueueMigration {

  static final Path SETTING = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

  private AcceptQueueMigration() {
  }

  /** One line for the launcher's start when replacements can reset a queued connection; empty when they cannot. */
  static Optional<String> advice(Path setting) {
    String value;
    try {
      value = Files.readString(setting).trim();
    } catch (IOException e) {
      return Optional.of("this kernel cannot move a draining child's queued connections to the others "
          + "(net.ipv4.tcp_migrate_req needs Linux 5.14): a reload may reset one now and then");
    }
    if (value.equals("0")) {
      return Optional.of("net.ipv4.tcp_migrate_req is 0: a reload may reset a connection still queued for the "
          + "draining child now and then; sysctl -w net.ipv4.tcp_migrate_req=1 moves those to the other children");
    }
    return Optional.empty();
  }
}

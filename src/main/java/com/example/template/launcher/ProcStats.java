package com.example.template.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a process's resident memory and CPU time from the operating system, so the launcher
 * measures its children from outside: a child that is stuck still gets measured.
 */
final class ProcStats {

  private ProcStats() {
  }

  /** Resident set size in bytes, from {@code /proc/<pid>/status}; empty when unknown. */
  static Optional<Long> rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
          return Optional.of(Long.parseLong(kb) * 1024L);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process is gone or /proc is not there (not Linux): nothing to report.
    }
    return Optional.empty();
  }

  /** Total CPU time the process has used so far; empty when unknown. */
  static Optional<Duration> cpuTime(long pid) {
    return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration());
  }
}

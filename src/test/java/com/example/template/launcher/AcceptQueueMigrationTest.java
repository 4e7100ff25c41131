package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's advice about {@code net.ipv4.tcp_migrate_req}, from each value the file can hold. */
class AcceptQueueMigrationTest {

  @TempDir
  Path dir;

  @Test
  void offAdvisesTheSysctlThatTurnsItOn() throws Exception {
    Path setting = Files.writeString(dir.resolve("tcp_migrate_req"), "0\n");

    assertThat(AcceptQueueMigration.advice(setting)).hasValueSatisfying(line ->
        assertThat(line).contains("sysctl -w net.ipv4.tcp_migrate_req=1"));
  }

  @Test
  void onSaysNothing() throws Exception {
    Path setting = Files.writeString(dir.resolve("tcp_migrate_req"), "1\n");

    assertThat(AcceptQueueMigration.advice(setting)).isEmpty();
  }

  @Test
  void aKernelWithoutTheSettingIsNamed() {
    assertThat(AcceptQueueMigration.advice(dir.resolve("absent"))).hasValueSatisfying(line ->
        assertThat(line).contains("Linux 5.14"));
  }
}

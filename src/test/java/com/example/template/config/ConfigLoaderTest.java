package com.example.template.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where the configuration comes from (defaults, {@code conf/config.json} or {@code -conf}, the
 * environment, the flags) and the one-line message a user gets for each mistake.
 */
class ConfigLoaderTest {

  private static final JsonObject NO_FLAGS = new JsonObject();

  @TempDir
  Path home;

  @Test
  void theShippedConfigLoadsWithOnePerCoreDefaults() {
    AppConfig config = new ConfigLoader(Path.of(".")).load(null, Map.of(), NO_FLAGS);

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().instances()).isZero();
    assertThat(config.jobs().workers()).isZero();
    assertThat(config.jobs().maxInFlight()).isPositive();
    assertThat(config.bridge().enabled()).isFalse();
    assertThat(config.cluster().identityDir()).as("no identity: a launcher makes a fresh one").isNull();
    assertThat(config.cluster().insecure()).isFalse();
    assertThat(AppConfig.perCore(config.http().instances())).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void withoutAConfigFileTheDefaultsApply() {
    AppConfig config = new ConfigLoader(home).load(null, Map.of(), NO_FLAGS);

    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().maxBodyBytes()).isEqualTo(65536);
    assertThat(config.jobs().timeoutMs()).isEqualTo(30_000);
    assertThat(config.drain().graceMs()).isEqualTo(10_000);
    assertThat(config.cluster().configFile()).isEqualTo("conf/cluster.xml");
  }

  @Test
  void readsConfJsonUnderTheHome() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":9000,\"instances\":3},\"jobs\":{\"maxInFlight\":7}}");

    AppConfig config = new ConfigLoader(home).load(null, Map.of(), NO_FLAGS);

    assertThat(config.http().port()).isEqualTo(9000);
    assertThat(config.http().instances()).isEqualTo(3);
    assertThat(config.jobs().maxInFlight()).isEqualTo(7);
    assertThat(config.jobs().timeoutMs()).as("keys the file leaves out keep their defaults").isEqualTo(30_000);
  }

  @Test
  void confMayBeInlineJsonInsteadOfTheFile() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":9000}}");

    AppConfig config = new ConfigLoader(home).load(" {\"http\":{\"instances\":5}} ", Map.of(), NO_FLAGS);

    assertThat(config.http().instances()).isEqualTo(5);
    assertThat(config.http().port()).as("-conf replaces conf/config.json").isEqualTo(8080);
  }

  @Test
  void confMayNameAnotherFile() throws IOException {
    Path other = Files.writeString(home.resolve("other.json"), "{\"jobs\":{\"workers\":3}}");

    AppConfig config = new ConfigLoader(home).load(other.toString(), Map.of(), NO_FLAGS);

    assertThat(config.jobs().workers()).isEqualTo(3);
  }

  @Test
  void httpPortFromTheEnvironmentWinsOverTheFile() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":9000,\"instances\":2}}");

    AppConfig config = new ConfigLoader(home).load(null, Map.of("HTTP_PORT", " 0 "), NO_FLAGS);

    assertThat(config.http().port()).isZero();
    assertThat(config.http().instances()).isEqualTo(2);
  }

  @Test
  void httpPortFromTheEnvironmentAlsoOverridesInlineJson() {
    AppConfig config = new ConfigLoader(home).load("{\"http\":{\"port\":9000}}", Map.of("HTTP_PORT", "9100"), NO_FLAGS);

    assertThat(config.http().port()).isEqualTo(9100);
  }

  @Test
  void theManagementListenerIsOnLoopbackByDefaultAndItsPortComesFromTheEnvironment() {
    AppConfig defaults = new ConfigLoader(home).load("{}", Map.of(), NO_FLAGS);
    assertThat(defaults.management()).isEqualTo(new AppConfig.Management(true, "127.0.0.1", 9464, false));

    AppConfig moved = new ConfigLoader(home).load("{\"management\":{\"port\":9000}}", Map.of("MANAGEMENT_PORT", "0"), NO_FLAGS);
    assertThat(moved.management().port()).isZero();
    assertThatThrownBy(() -> new ConfigLoader(home).load("{}", Map.of("MANAGEMENT_PORT", "x"), NO_FLAGS))
        .hasMessage("config: MANAGEMENT_PORT must be a port number, got 'x'");
    assertThatThrownBy(() -> new ConfigLoader(home).load("{\"management\":{\"port\":70000}}", Map.of(), NO_FLAGS))
        .hasMessage("config: 'management.port' must be a port (0-65535), got 70000");
  }

  @Test
  void aBlankHttpPortIsIgnored() {
    AppConfig config = new ConfigLoader(home).load("{\"http\":{\"port\":9000}}", Map.of("HTTP_PORT", " "), NO_FLAGS);

    assertThat(config.http().port()).isEqualTo(9000);
  }

  @Test
  void flagsWinOverTheFileAndKeepItsOtherKeys() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":9000,\"instances\":4}}");
    JsonObject flags = new JsonObject().put("http", new JsonObject().put("instances", 1));

    AppConfig config = new ConfigLoader(home).load(null, Map.of(), flags);

    assertThat(config.http().instances()).isEqualTo(1);
    assertThat(config.http().port()).isEqualTo(9000);
  }

  @Test
  void aMissingConfFileIsNamedInTheError() {
    Path missing = home.resolve("missing.json");

    assertThatThrownBy(() -> new ConfigLoader(home).load(missing.toString(), Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: cannot read " + missing + " (NoSuchFileException)");
  }

  @Test
  void anUnreadableConfFileIsNamedInTheError() {
    // A directory cannot be read as a file, even by root (for whom chmod 000 changes nothing).
    assertThatThrownBy(() -> new ConfigLoader(home).load(home.toString(), Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: cannot read " + home + " (");
  }

  @Test
  void aMalformedConfigFileIsOneLine() throws IOException {
    Path file = writeDefaultFile("{\"http\": {\"port\": 80,}\n\n}");

    assertThatThrownBy(() -> new ConfigLoader(home).load(null, Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: " + file + " is not a JSON object: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void malformedInlineJsonIsOneLine() {
    assertThatThrownBy(() -> new ConfigLoader(home).load("{bad", Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: -conf is not a JSON object: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aNonNumericHttpPortIsRefused() {
    assertThatThrownBy(() -> new ConfigLoader(home).load(null, Map.of("HTTP_PORT", "eighty"), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: HTTP_PORT must be a port number, got 'eighty'");
  }

  @Test
  void anHttpPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> new ConfigLoader(home).load(null, Map.of("HTTP_PORT", "70000"), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: 'http.port' must be a port (0-65535), got 70000");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("{\"http\":5}", "config: 'http' must be an object"),
        Arguments.of("{\"http\":{\"host\":\"\"}}", "config: 'http.host' must be a non-empty string"),
        Arguments.of("{\"http\":{\"port\":-1}}", "config: 'http.port' must be a port (0-65535), got -1"),
        Arguments.of("{\"http\":{\"port\":65536}}", "config: 'http.port' must be a port (0-65535), got 65536"),
        Arguments.of("{\"http\":{\"port\":\"8080\"}}", "config: 'http.port' must be a whole number, got \"8080\""),
        Arguments.of("{\"http\":{\"instances\":-1}}", "config: 'http.instances' must be between 0 and"),
        Arguments.of("{\"http\":{\"maxBodyBytes\":0}}", "config: 'http.maxBodyBytes' must be between 1 and"),
        Arguments.of("{\"jobs\":{\"maxInFlight\":0}}", "config: 'jobs.maxInFlight' must be between 1 and"),
        Arguments.of("{\"jobs\":{\"timeoutMs\":1.5}}", "config: 'jobs.timeoutMs' must be a whole number, got 1.5"),
        Arguments.of("{\"jobs\":{\"workers\":3000000000}}", "config: 'jobs.workers' must be between 0 and 2147483647, got 3000000000"),
        Arguments.of("{\"drain\":{\"graceMs\":null}}", "config: 'drain.graceMs' must be a whole number, got null"),
        Arguments.of("{\"bridge\":{\"enabled\":\"yes\"}}", "config: 'bridge.enabled' must be true or false"),
        Arguments.of("{\"bridge\":{\"port\":100000}}", "config: 'bridge.port' must be a port (0-65535), got 100000"),
        Arguments.of("{\"bridge\":{\"frameTimeoutMs\":0}}", "config: 'bridge.frameTimeoutMs' must be between 1 and"),
        Arguments.of("{\"bridge\":{\"idleTimeoutMs\":-1}}", "config: 'bridge.idleTimeoutMs' must be between 1 and"),
        Arguments.of("{\"bridge\":{\"maxConnections\":0}}", "config: 'bridge.maxConnections' must be between 1 and"),
        Arguments.of("{\"bridge\":{\"insecure\":\"yes\"}}", "config: 'bridge.insecure' must be true or false"),
        Arguments.of("{\"bridge\":{\"tls\":true}}", "config: 'bridge.tls' must be an object"),
        Arguments.of("{\"bridge\":{\"tls\":{\"certFile\":\"a.pem\"}}}", "config: 'bridge.tls' needs both 'certFile' and 'keyFile'"),
        Arguments.of("{\"bridge\":{\"tls\":{\"certFile\":\"a.pem\",\"keyFile\":\"\"}}}",
            "config: 'bridge.tls.keyFile' must be a non-empty string"),
        Arguments.of("{\"cluster\":{\"identityDir\":\"\"}}", "config: 'cluster.identityDir' must be a non-empty string"),
        Arguments.of("{\"cluster\":{\"insecure\":\"yes\"}}", "config: 'cluster.insecure' must be true or false"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aBadValueIsRefusedWithTheKeyItConcerns(String json, String message) {
    assertThatThrownBy(() -> new ConfigLoader(home).load(json, Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        Arguments.of("{\"http\":{\"prot\":8080}}", "config: unknown key 'http.prot' (did you mean 'http.port'?)"),
        Arguments.of("{\"jobz\":{\"workers\":1}}", "config: unknown key 'jobz' (did you mean 'jobs'?)"),
        Arguments.of("{\"port\":8080}", "config: unknown key 'port' (did you mean 'http.port'?)"),
        Arguments.of("{\"jobs\":{\"Workers\":1}}", "config: unknown key 'jobs.Workers' (did you mean 'jobs.workers'?)"),
        Arguments.of("{\"supervisor\":{\"heartbeatMs\":100}}", "config: unknown key 'supervisor.heartbeatMs'"),
        Arguments.of("{\"http\":{\"port\":8080},\"logging\":{\"level\":\"debug\"}}", "config: unknown key 'logging'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownKeys")
  void anUnknownKeyIsRefusedWithTheNearestKnownOne(String json, String message) {
    assertThatThrownBy(() -> new ConfigLoader(home).load(json, Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void anUnknownKeyInConfJsonIsRefusedToo() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":9000,\"hots\":\"127.0.0.1\"}}");

    assertThatThrownBy(() -> new ConfigLoader(home).load(null, Map.of(), NO_FLAGS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: unknown key 'http.hots' (did you mean 'http.host'?)");
  }

  @Test
  void everyKeyOfTheShippedConfigIsKnown() throws IOException {
    JsonObject shipped = new JsonObject(Files.readString(Path.of(ConfigLoader.DEFAULT_FILE)));

    new ConfigLoader(home).load(shipped.encode(), Map.of(), NO_FLAGS);
  }

  @Test
  void theVerbsFindTheRunDirectoryInTheConfig() throws IOException {
    writeDefaultFile("{\"supervisor\":{\"runDir\":\"elsewhere/run\"}}");

    assertThat(new ConfigLoader(home).runDir(null)).isEqualTo(home.resolve("elsewhere/run"));
    assertThat(new ConfigLoader(home).runDir("{\"supervisor\":{\"runDir\":\"/tmp/x\"}}")).isEqualTo(Path.of("/tmp/x"));
  }

  @Test
  void theVerbsFindTheRunDirectoryInAConfigThatNoLongerLoads() throws IOException {
    writeDefaultFile("{\"http\":{\"port\":\"eighty\",\"prot\":1},\"supervisor\":{\"runDir\":\"r\"}}");

    assertThat(new ConfigLoader(home).runDir(null)).isEqualTo(home.resolve("r"));
  }

  @Test
  void theVerbsFallBackToTheDefaultRunDirectoryWhenTheConfigIsNotJson() throws IOException {
    writeDefaultFile("{\"supervisor\": {\"runDir\": \"r\",");

    assertThat(new ConfigLoader(home).runDir(null)).isEqualTo(home.resolve("run"));
    assertThat(new ConfigLoader(home).runDir("{bad")).isEqualTo(home.resolve("run"));
  }

  @Test
  void theBridgesTlsFilesAreRelativeToTheHome() {
    AppConfig config = new ConfigLoader(home).load(
        "{\"bridge\":{\"tls\":{\"certFile\":\"tls/bridge.pem\",\"keyFile\":\"/etc/bridge/key.pem\"}}}", Map.of(), NO_FLAGS);

    assertThat(config.bridge().tls().certFile()).isEqualTo(home.resolve("tls/bridge.pem").toString());
    assertThat(config.bridge().tls().keyFile()).as("an absolute path stays").isEqualTo("/etc/bridge/key.pem");
    assertThat(config.bridge().tls().clientCaFile()).isNull();
  }

  @Test
  void perCoreMeansOnePerAvailableProcessor() {
    assertThat(AppConfig.perCore(0)).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(AppConfig.perCore(3)).isEqualTo(3);
  }

  private Path writeDefaultFile(String json) throws IOException {
    Path file = home.resolve(ConfigLoader.DEFAULT_FILE);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, json);
  }
}

package com.example.template.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A key is known when the code that reads the config asks for it, by any getter: a key added to
 * {@code AppConfig.fromJson} needs no other list.
 */
class KnownKeysTest {

  private static final JsonObject CONFIG = new JsonObject()
      .put("tls", new JsonObject().put("keyFile", "k.pem").put("enabled", true).put("extra", new JsonObject().put("a", 1)))
      .put("name", "x");

  @Test
  void everyKeyTheReaderAskedForIsKnownWhateverGetterItUsed() {
    KnownKeys keys = new KnownKeys(CONFIG);
    JsonObject view = keys.view();
    JsonObject tls = view.getJsonObject("tls");
    assertThat(tls.getString("keyFile")).isEqualTo("k.pem");
    assertThat(tls.getValue("enabled", false)).isEqualTo(true);
    assertThat(tls.containsKey("extra")).isTrue(); // read whole: what is inside it is its business
    assertThat(view.getValue("name")).isEqualTo("x");

    assertThatCode(keys::rejectUnread).doesNotThrowAnyException();
  }

  @Test
  void aKeyNothingAskedForIsRefusedWithTheNearestKnownKey() {
    KnownKeys keys = new KnownKeys(CONFIG);
    JsonObject tls = keys.view().getJsonObject("tls");
    tls.getString("keyFiles");
    tls.getBoolean("enabled");
    tls.getJsonObject("extra");
    keys.view().getString("name");

    assertThatThrownBy(keys::rejectUnread)
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: unknown key 'tls.keyFile' (did you mean 'tls.keyFiles'?)");
  }

  @Test
  void aSectionNothingReadIsRefusedAsAWhole() {
    KnownKeys keys = new KnownKeys(CONFIG);
    keys.view().getString("name");

    assertThatThrownBy(keys::rejectUnread)
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: unknown key 'tls'");
  }
}

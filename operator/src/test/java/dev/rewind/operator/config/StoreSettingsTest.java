package dev.rewind.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSettingsTest {

  @TempDir
  Path dir;

  @Test
  void thePasswordComesFromTheEnvironment() {
    StoreConfig config = StoreSettings.from(store("postgresql://rewind@db:5433/journal", null),
        Map.of(StoreSettings.PASSWORD_ENV, "s3cret"));

    assertThat(config.password()).isEqualTo("s3cret");
    assertThat(config.host()).isEqualTo("db");
    assertThat(config.port()).isEqualTo(5433);
    assertThat(config.database()).isEqualTo("journal");
    assertThat(config.user()).isEqualTo("rewind");
    assertThat(config.writeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void orFromAFileWithoutItsTrailingNewline() throws IOException {
    Path file = Files.writeString(dir.resolve("password"), "from-secret\n");

    StoreConfig config = StoreSettings.from(store("postgresql://rewind@db/rewind", file.toString()), Map.of());

    assertThat(config.password()).isEqualTo("from-secret");
  }

  @Test
  void withNeitherThereIsNoPassword() {
    assertThat(StoreSettings.from(store("postgresql://rewind@db/rewind", null), Map.of()).password()).isNull();
  }

  @Test
  void givingItTwiceIsAnError() throws IOException {
    Path file = Files.writeString(dir.resolve("password"), "one");

    assertThatThrownBy(() -> StoreSettings.password(Optional.of(file.toString()),
        Map.of(StoreSettings.PASSWORD_ENV, "two")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
  }

  @Test
  void anUnreadableFileNamesTheKey() {
    assertThatThrownBy(() -> StoreSettings.password(Optional.of(dir.resolve("missing").toString()), Map.of()))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("rewind.store.password-file");
  }

  @Test
  void aPasswordInTheUrlIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> StoreSettings.from(store("postgresql://rewind:hunter2@db/rewind", null), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not carry a password")
        .hasMessageNotContaining("hunter2");
  }

  private static OperatorConfig.Store store(String url, String passwordFile) {
    return new OperatorConfig.Store() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public Optional<String> passwordFile() {
        return Optional.ofNullable(passwordFile);
      }

      @Override
      public int poolSize() {
        return 2;
      }

      @Override
      public Duration timeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public boolean migrate() {
        return true;
      }
    };
  }
}

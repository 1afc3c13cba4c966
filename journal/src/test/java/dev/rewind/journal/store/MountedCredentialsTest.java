package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountedCredentialsTest {

  @Test
  void readsBothKeysWithoutTheLineEnd(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("username"), "rewind_shop_0123\n");
    Files.writeString(dir.resolve("password"), "s3cret\n");
    MountedCredentials.Credentials c = MountedCredentials.read(dir, "fallback");
    assertThat(c.user()).isEqualTo("rewind_shop_0123");
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void aSecretWithOnlyAPasswordKeepsTheUrlsUser(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("password"), "shared");
    assertThat(MountedCredentials.read(dir, "rewind").user()).isEqualTo("rewind");
  }

  @Test
  void readsAnewEachTime(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("password"), "old");
    assertThat(MountedCredentials.read(dir, "u").password()).isEqualTo("old");
    Files.writeString(dir.resolve("password"), "new");
    assertThat(MountedCredentials.read(dir, "u").password()).isEqualTo("new");
  }

  @Test
  void noPasswordIsAnError(@TempDir Path dir) {
    assertThatThrownBy(() -> MountedCredentials.read(dir, "u")).hasMessageContaining("no store password");
  }
}

package dev.rewind.console.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserTest {

  @TempDir
  Path dir;

  @Test
  void aMissingBrowserOrDriverFailsNamingTheDebianPackage() {
    assertThatThrownBy(() -> Browser.executable("CHROMEDRIVER", null, dir.toString(), "chromedriver",
        "chromium-driver"))
        .hasMessageContaining("chromedriver was not found on the PATH")
        .hasMessageContaining("Debian's chromium-driver package");
    assertThatThrownBy(() -> Browser.executable("CHROMIUM", dir.resolve("nope").toString(), "", "chromium",
        "chromium"))
        .hasMessageContaining("chromium was not found at " + dir.resolve("nope"))
        .hasMessageContaining("Debian's chromium package");
  }

  @Test
  void theExecutableIsFoundOnThePath() throws IOException {
    Path chromium = Files.createFile(dir.resolve("chromium"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThat(Browser.executable("CHROMIUM", null, "" + File.pathSeparator + dir, "chromium", "chromium"))
        .isEqualTo(chromium.toFile());
  }
}

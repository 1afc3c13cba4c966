package dev.rewind.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's sidecar settings table and {@link SidecarConfig} name the same settings: none undocumented, none made up. */
class SettingsTableTest {

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void theReadmeTableListsEverySettingOfTheMappingAndNoOther() throws IOException {
    Set<String> known = new TreeSet<>();
    KnownSettings.properties().forEach(p -> known.add(p.replace("[*]", "")));

    assertThat(documented(readme())).isEqualTo(known);
  }

  @Test
  void abbreviatedRowsAreReadAsTheirFullNames() {
    String table = """
        ### Settings

        | setting | default | what |
        |---|---|---|
        | `rewind.delivery.lease`, `poll-interval` | `60s`, `500ms` | lease |
        | `rewind.capture.host`, `rewind.proxy.host` | `127.0.0.1` | hosts |

        ## Next
        | `rewind.not.this` | | |
        """;

    assertThat(documented(table)).containsExactlyInAnyOrder("rewind.delivery.lease", "rewind.delivery.poll-interval",
        "rewind.capture.host", "rewind.proxy.host");
  }

  /**
   * The names in the first column of the table under "### Settings", up to the next section. A row may name
   * several; a bare name ({@code poll-interval}) is a sibling of the full name before it.
   */
  static Set<String> documented(String markdown) {
    List<String> lines = markdown.lines().toList();
    int start = lines.indexOf("### Settings");
    assertThat(start).as("README has a ### Settings section").isNotNegative();
    Set<String> names = new TreeSet<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      if (!line.startsWith("| `")) {
        continue;
      }
      String firstCell = line.substring(1, line.indexOf('|', 1));
      Matcher code = CODE.matcher(firstCell);
      String parent = null;
      while (code.find()) {
        String name = code.group(1);
        if (name.startsWith("rewind.")) {
          parent = name.substring(0, name.lastIndexOf('.') + 1);
          names.add(name);
        } else {
          assertThat(parent).as("a bare name follows a full one: " + line).isNotNull();
          names.add(parent + name);
        }
      }
    }
    return names;
  }

  private static String readme() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("mvnw"))) {
        return Files.readString(dir.resolve("README.md"));
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}

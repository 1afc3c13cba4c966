package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** WEBHOOK.md documents every annotation and every configuration key the code knows, so the two cannot drift. */
class WebhookDocumentationTest {

  private static final Path DOC = Path.of("WEBHOOK.md");

  @Test
  void everyAnnotationKeyIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    for (String key : CaptureAnnotations.KEYS) {
      assertThat(doc).as(key).contains("| `" + key + "` |");
    }
    assertThat(doc).contains("`" + CaptureAnnotations.INJECTED_LABEL + ": \"true\"`",
        "`" + CaptureAnnotations.NOTES + "`");
  }

  @Test
  void everyConfigurationKeyIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    List<String> keys = keys("rewind.injector.", InjectorConfig.class);

    assertThat(keys).hasSizeGreaterThan(30);
    for (String key : keys) {
      assertThat(doc).as(key).contains("| `" + key + "` |");
    }
  }

  /** The keys SmallRye derives from the mapping: method names in kebab case, nested groups as prefixes. */
  private static List<String> keys(String prefix, Class<?> mapping) {
    List<String> keys = new ArrayList<>();
    for (Method method : mapping.getDeclaredMethods()) {
      String key = prefix + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
      if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == InjectorConfig.class) {
        keys.addAll(keys(key + ".", method.getReturnType()));
      } else {
        keys.add(key);
      }
    }
    return keys;
  }
}

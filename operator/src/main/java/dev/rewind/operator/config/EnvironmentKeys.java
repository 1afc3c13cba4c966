package dev.rewind.operator.config;

import dev.rewind.operator.webhook.InjectorConfig;
import io.smallrye.config.ConfigMappings;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Environment variables that look like Rewind settings but name none. SmallRye Config refuses an unknown
 * {@code rewind.*} key in application.properties or a {@code -D} option, but not in the environment — and the
 * environment is where a Deployment (the chart, its {@code extraEnv}) puts every setting. A misspelt
 * {@code REWIND_TAKEOVER_AFTR} would silently leave the default in place; here it stops the start instead.
 */
public final class EnvironmentKeys {

  private static final String PREFIX = "REWIND_";

  private EnvironmentKeys() {}

  /** Every setting the operator reads: its two configuration mappings, and the one read from the environment. */
  public static Set<String> known() {
    Set<String> names = new TreeSet<>();
    names.addAll(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(OperatorConfig.class, "rewind")).keySet());
    names.addAll(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(InjectorConfig.class, "rewind.injector")).keySet());
    return names;
  }

  /** The {@code REWIND_*} variables of {@code environment} that name none of {@code properties}, sorted. */
  public static List<String> unknown(Map<String, String> environment, Collection<String> properties) {
    Set<String> expected = new TreeSet<>();
    properties.forEach(p -> expected.add(environmentName(p)));
    expected.add(StoreSettings.PASSWORD_ENV);
    return environment.keySet().stream()
        .filter(name -> name.startsWith(PREFIX) && !expected.contains(name))
        .sorted()
        .toList();
  }

  /** Stops the start when the environment names a setting that does not exist. */
  public static void check(Map<String, String> environment) {
    List<String> unknown = unknown(environment, known());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown Rewind setting" + (unknown.size() == 1 ? "" : "s")
          + " in the environment: " + String.join(", ", unknown)
          + " (a typo? the settings are listed in operator/README.md, e.g. REWIND_STORE_URL for rewind.store.url)");
    }
  }

  /**
   * The environment variable SmallRye reads for a property: every character that is not a letter or a digit
   * becomes an underscore, letters upper case; an indexed list element ({@code [*]}) has none of its own.
   */
  static String environmentName(String property) {
    String name = property.replace("[*]", "");
    StringBuilder env = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      env.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return env.toString().toUpperCase(Locale.ROOT);
  }
}

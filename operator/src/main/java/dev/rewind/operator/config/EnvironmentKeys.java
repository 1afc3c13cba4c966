package dev.rewind.operator.config;

import dev.rewind.journal.config.EnvironmentCheck;
import dev.rewind.operator.query.QueryConfig;
import dev.rewind.operator.webhook.InjectorConfig;
import io.smallrye.config.ConfigMappings;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Environment variables that look like Rewind settings but name none of the operator's: a misspelt
 * {@code REWIND_TAKEOVER_AFTR} would silently leave the default in place; here it stops the start instead
 * ({@link EnvironmentCheck}, shared with the sidecar).
 */
public final class EnvironmentKeys {

  private EnvironmentKeys() {}

  /** Every setting the operator reads: its configuration mappings, and the one read from the environment. */
  public static Set<String> known() {
    Set<String> names = new TreeSet<>();
    names.addAll(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(OperatorConfig.class, "rewind")).keySet());
    names.addAll(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(InjectorConfig.class, "rewind.injector")).keySet());
    names.addAll(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(QueryConfig.class, "rewind.query")).keySet());
    return names;
  }

  /** The {@code REWIND_*} variables of {@code environment} that name none of {@code properties}, sorted. */
  public static List<String> unknown(Map<String, String> environment, Collection<String> properties) {
    return check(properties).unknown(environment);
  }

  /** Stops the start when the environment names a setting that does not exist. */
  public static void check(Map<String, String> environment) {
    check(known()).check(environment,
        "operator/README.md (e.g. REWIND_STORE_URL for rewind.store.url)");
  }

  /** The store password is no property of the mappings: {@link StoreSettings} reads it from the environment. */
  private static EnvironmentCheck check(Collection<String> properties) {
    Set<String> all = new TreeSet<>(properties);
    all.add("rewind.store.password");
    return new EnvironmentCheck(all);
  }
}

package dev.rewind.sidecar.config;

import dev.rewind.journal.config.EnvironmentCheck;
import io.smallrye.config.ConfigMappings;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings the sidecar reads, taken from {@link SidecarConfig} itself rather than a list kept beside it, and
 * the start-time check that the environment names no other {@code REWIND_*} variable.
 */
public final class KnownSettings {

  /** Where a person who misspelt a variable finds the right one. */
  static final String LISTED_IN = "README.md (The sidecar: Settings), e.g. REWIND_STORE_URL for rewind.store.url";

  private KnownSettings() {}

  /** Every property of the configuration mapping, {@code rewind.mode} to {@code rewind.retention.interval}. */
  public static Set<String> properties() {
    return new TreeSet<>(ConfigMappings.getProperties(
        ConfigMappings.ConfigClass.configClass(SidecarConfig.class, "rewind")).keySet());
  }

  /**
   * Stops the start when the environment has a {@code REWIND_*} variable no setting reads (a typo would otherwise
   * leave the default in place without a word).
   */
  public static void checkEnvironment(Map<String, String> environment) {
    new EnvironmentCheck(properties()).check(environment, LISTED_IN);
  }
}

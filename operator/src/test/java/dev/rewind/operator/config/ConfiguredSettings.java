package dev.rewind.operator.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;

/** {@link OperatorSettings} from configuration keys, as the operator reads them at start (minus Quarkus). */
public final class ConfiguredSettings {

  private ConfiguredSettings() {}

  /**
   * @param properties {@code rewind.*} keys; a store URL is added when missing (it has no default)
   * @param environment what the defaults taken from the environment (HOSTNAME) see
   */
  public static OperatorSettings of(Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> all = new HashMap<>(properties);
    all.putIfAbsent("rewind.store.url", "postgresql://rewind@rewind-store:5432/rewind");
    SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
        .withMapping(OperatorConfig.class)
        .withSources(new PropertiesConfigSource(all, "test", 100))
        .build();
    return OperatorSettings.from(config.getConfigMapping(OperatorConfig.class), environment);
  }
}

package dev.rewind.sidecar.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** {@link SidecarConfig} from configuration keys, read by SmallRye Config as Quarkus reads them (its converters). */
final class ConfiguredSidecar {

  private ConfiguredSidecar() {}

  static SidecarConfig of(Map<String, String> properties) {
    SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
        .withMapping(SidecarConfig.class)
        .withSources(new PropertiesConfigSource(properties, "test", 100))
        .build();
    return config.getConfigMapping(SidecarConfig.class);
  }
}

package dev.rewind.sidecar.config;

import dev.rewind.journal.config.EnvironmentCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The values {@link SidecarConfig} accepts by type but the sidecar cannot work with: a concurrency of 0 would
 * deliver nothing, a negative lease would hand every event to the next poller, a port above 65535 fails deep in
 * Netty with no setting named. Checked at start, before anything is started, so the message names the setting.
 */
public final class SettingBounds {

  private static final int MOST_PORT = 65535;

  private SettingBounds() {}

  /** Every value out of bounds, one line each naming the setting; empty when all are fine. */
  public static List<String> problems(SidecarConfig config) {
    List<String> problems = new ArrayList<>();
    SidecarConfig.Store store = config.store();
    notBlank(problems, "rewind.namespace", config.namespace());
    notBlank(problems, "rewind.workload", config.workload());
    atLeast(problems, "rewind.store.pool-size", store.poolSize(), 1);
    positive(problems, "rewind.store.write-timeout", store.writeTimeout());
    port(problems, "rewind.store.embedded-port", store.embeddedPort());
    port(problems, "rewind.capture.port", config.capture().port());
    atLeast(problems, "rewind.capture.max-body-size", config.capture().maxBodySize(), 1);
    port(problems, "rewind.proxy.port", config.proxy().port());
    SidecarConfig.Delivery delivery = config.delivery();
    atLeast(problems, "rewind.delivery.concurrency", delivery.concurrency(), 1);
    positive(problems, "rewind.delivery.lease", delivery.lease());
    positive(problems, "rewind.delivery.poll-interval", delivery.pollInterval());
    atLeast(problems, "rewind.delivery.response-body-limit", delivery.responseBodyLimit(), 0);
    atLeast(problems, "rewind.delivery.memory-budget", delivery.memoryBudget(), 1);
    notNegative(problems, "rewind.delivery.shutdown-grace", delivery.shutdownGrace());
    SidecarConfig.Retention retention = config.retention();
    positive(problems, "rewind.retention.delivered", retention.delivered());
    positive(problems, "rewind.retention.dead", retention.dead());
    positive(problems, "rewind.retention.interval", retention.interval());
    return problems;
  }

  /** Stops the start when any value is out of bounds, naming each. */
  public static void check(SidecarConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid Rewind setting" + (problems.size() == 1 ? "" : "s") + ": "
          + String.join("; ", problems));
    }
  }

  private static String name(String property) {
    return property + " (" + EnvironmentCheck.environmentName(property) + ")";
  }

  private static void atLeast(List<String> problems, String property, long value, long least) {
    if (value < least) {
      problems.add(name(property) + " must be at least " + least + ", not " + value);
    }
  }

  private static void port(List<String> problems, String property, int value) {
    if (value < 0 || value > MOST_PORT) {
      problems.add(name(property) + " must be a port in 0..65535 (0: any free one), not " + value);
    }
  }

  private static void positive(List<String> problems, String property, Duration value) {
    if (value.isNegative() || value.isZero()) {
      problems.add(name(property) + " must be longer than zero, not " + value);
    }
  }

  private static void notNegative(List<String> problems, String property, Duration value) {
    if (value.isNegative()) {
      problems.add(name(property) + " must not be negative, not " + value);
    }
  }

  private static void notBlank(List<String> problems, String property, String value) {
    if (value.isBlank()) {
      problems.add(name(property) + " must not be blank");
    }
  }
}

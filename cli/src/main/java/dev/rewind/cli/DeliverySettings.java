package dev.rewind.cli;

import dev.rewind.journal.delivery.AddressPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The delivery settings {@code rewind replay} shares with the standalone sidecar, read under the same names and
 * with the same precedence as the sidecar's configuration (a system property, else the environment variable):
 * {@code rewind.delivery.allow-loopback} ({@code REWIND_DELIVERY_ALLOW_LOOPBACK}, default true: standalone) and
 * {@code rewind.delivery.blocked-cidrs} ({@code REWIND_DELIVERY_BLOCKED_CIDRS}, comma-separated). So a replay
 * file cannot send events where the sidecar configured on the same machine would refuse to.
 */
final class DeliverySettings {

  static final String ALLOW_LOOPBACK = "rewind.delivery.allow-loopback";
  static final String BLOCKED_CIDRS = "rewind.delivery.blocked-cidrs";

  private DeliverySettings() {}

  /** The address policy of this process's settings. */
  static AddressPolicy addressPolicy() {
    return addressPolicy(DeliverySettings::fromProcess);
  }

  /**
   * @param settings a setting's value by its property name, or null when it is not set
   * @throws Failures.Invalid naming the setting that does not parse
   */
  static AddressPolicy addressPolicy(UnaryOperator<String> settings) {
    Optional<Boolean> allowLoopback = Optional.ofNullable(settings.apply(ALLOW_LOOPBACK))
        .map(String::trim).filter(v -> !v.isEmpty()).map(DeliverySettings::bool);
    List<String> blocked = Optional.ofNullable(settings.apply(BLOCKED_CIDRS))
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList())
        .orElse(List.of());
    try {
      return AddressPolicy.configured(false, allowLoopback, blocked);
    } catch (IllegalArgumentException e) {
      throw new Failures.Invalid(names(BLOCKED_CIDRS) + ": " + e.getMessage());
    }
  }

  private static boolean bool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new Failures.Invalid(names(ALLOW_LOOPBACK) + ": \"" + value + "\" is neither true nor"
          + " false");
    };
  }

  /** System property first, then the environment, as the sidecar's configuration reads them. */
  private static String fromProcess(String property) {
    String value = System.getProperty(property);
    return value != null ? value : System.getenv(environmentName(property));
  }

  /** {@code rewind.delivery.allow-loopback} → {@code REWIND_DELIVERY_ALLOW_LOOPBACK}. */
  static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String names(String property) {
    return property + " (" + environmentName(property) + ")";
  }
}

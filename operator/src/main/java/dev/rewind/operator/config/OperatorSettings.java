package dev.rewind.operator.config;

import dev.rewind.journal.delivery.AddressPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the operator runs with, in plain values: built from {@link OperatorConfig} in production and directly by
 * tests, so both start the operator through the same wiring.
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param extraBlockedCidrs destination ranges refused on top of {@link AddressPolicy#DEFAULT_BLOCKED}
 * @param resyncInterval how often every Route is reconciled from scratch and orphaned routes are swept
 * @param shutdownTimeout how long reconciliations under way may take to finish on stop
 * @param leaderElection leader election settings, or null to run without (a single replica)
 */
public record OperatorSettings(
    Set<String> namespaces,
    List<String> extraBlockedCidrs,
    Duration resyncInterval,
    Duration shutdownTimeout,
    LeaderElection leaderElection) {

  /**
   * @param leaseNamespace null for the operator's own namespace
   * @param identity null for the HOSTNAME
   */
  public record LeaderElection(String leaseName, String leaseNamespace, String identity, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod) {}

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    extraBlockedCidrs = List.copyOf(extraBlockedCidrs);
    if (resyncInterval.isNegative() || resyncInterval.isZero()) {
      throw new IllegalArgumentException("rewind.operator.resync-interval must be positive");
    }
    // Parses the ranges now, so a typo stops the start instead of surfacing on the first Route.
    new AddressPolicy(extraBlockedCidrs, false);
  }

  public static OperatorSettings from(OperatorConfig config) {
    OperatorConfig.LeaderElection le = config.leaderElection();
    LeaderElection leaderElection = le.enabled()
        ? new LeaderElection(le.leaseName(), le.leaseNamespace().orElse(null), le.identity().orElse(null),
            le.leaseDuration(), le.renewDeadline(), le.retryPeriod())
        : null;
    return new OperatorSettings(
        Set.copyOf(nonBlank(config.operator().namespaces())),
        nonBlank(config.operator().blockedCidrs()),
        config.operator().resyncInterval(),
        config.operator().shutdownTimeout(),
        leaderElection);
  }

  /** Destinations refused: in a cluster loopback is refused too (from the operator it is the operator itself). */
  public AddressPolicy addressPolicy() {
    return new AddressPolicy(extraBlockedCidrs, false);
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  private static List<String> nonBlank(Optional<List<String>> values) {
    return values.orElse(List.of()).stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
  }
}

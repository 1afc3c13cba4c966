package dev.rewind.operator.config;

import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.replay.ReplayOptions;
import dev.rewind.journal.store.Retention;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * @param replay how the leader runs Replays
 * @param retention how the leader deletes expired events from the journal, or null when it does not
 * @param takeover how the leader delivers the events no sidecar delivers, or null when it does not
 * @param health how the leader reads route health, or null when it does not
 * @param tenants how the leader manages namespace roles and their Secrets, or null when it does not
 */
public record OperatorSettings(
    Set<String> namespaces,
    List<String> extraBlockedCidrs,
    Duration resyncInterval,
    Duration shutdownTimeout,
    LeaderElection leaderElection,
    Replay replay,
    RetentionSchedule retention,
    Takeover takeover,
    Health health,
    Tenants tenants) {

  /** Without tenant roles (tests of other parts). */
  public OperatorSettings(Set<String> namespaces, List<String> extraBlockedCidrs, Duration resyncInterval,
      Duration shutdownTimeout, LeaderElection leaderElection, Replay replay, RetentionSchedule retention,
      Takeover takeover, Health health) {
    this(namespaces, extraBlockedCidrs, resyncInterval, shutdownTimeout, leaderElection, replay, retention,
        takeover, health, null);
  }

  /**
   * @param interval how often the leader compares namespaces in use with the roles and Secrets there are
   * @param secretName the Secret, in each namespace, with the role's {@code username} and {@code password}: the
   *     one the injector mounts
   */
  public record Tenants(Duration interval, String secretName) {
    public Tenants {
      Replay.positive("rewind.tenants.interval", interval);
      Objects.requireNonNull(secretName, "secretName");
    }
  }

  /** The same settings, with the Secret name the injector mounts. */
  public OperatorSettings withTenantSecret(String secretName) {
    return tenants == null ? this : new OperatorSettings(namespaces, extraBlockedCidrs, resyncInterval,
        shutdownTimeout, leaderElection, replay, retention, takeover, health,
        new Tenants(tenants.interval(), secretName));
  }

  /**
   * @param interval how often the leader reads every route's health
   * @param window deliveries and deaths are counted over it
   * @param backlogAge how long the oldest event still being tried may wait before its Route is Backlog
   * @param flowInterval how often each Flow's orders are read
   * @param endpointHolds whether deliveries to in-cluster Services with no ready endpoint are held
   */
  public record Health(Duration interval, Duration window, Duration backlogAge, Duration flowInterval,
      boolean endpointHolds) {

    /** The defaults of {@link OperatorConfig.Health}. */
    public static final Health DEFAULTS = new Health(Duration.ofSeconds(15), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofSeconds(30), false);

    public Health {
      Replay.positive("rewind.health.interval", interval);
      Replay.positive("rewind.health.window", window);
      Replay.positive("rewind.health.backlog-age", backlogAge);
      Replay.positive("rewind.health.flow-interval", flowInterval);
    }
  }

  /**
   * @param after how long an event must be overdue before the leader delivers it
   * @param concurrency most attempts in flight per namespace
   */
  public record Takeover(Duration after, int concurrency) {

    public Takeover {
      Replay.positive("rewind.takeover.after", after);
      if (concurrency < 1 || concurrency > Replay.MOST_CONCURRENCY) {
        throw new IllegalArgumentException("rewind.takeover.concurrency must be between 1 and "
            + Replay.MOST_CONCURRENCY + ", not " + concurrency);
      }
    }
  }

  /**
   * The journal's {@link Retention}, applied by the leader at once and then every {@code interval}.
   */
  public record RetentionSchedule(Retention retention, Duration interval) {

    public RetentionSchedule {
      Objects.requireNonNull(retention, "retention");
      Replay.positive("rewind.retention.delivered", retention.delivered());
      Replay.positive("rewind.retention.dead", retention.dead());
      Replay.positive("rewind.retention.interval", interval);
    }
  }

  /**
   * @param leaseNamespace null for the operator's own namespace
   * @param identity null for the HOSTNAME
   */
  public record LeaderElection(String leaseName, String leaseNamespace, String identity, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod) {}

  /**
   * How the leader runs Replays ({@code rewind.replay.*}).
   *
   * @param workerId this process' name on replay attempts and claims
   * @param maxConcurrency most attempts in flight per Replay, whatever its spec asks
   * @param statusInterval how often a Running Replay's status is refreshed from the store
   * @param lease least time a claimed event stays reserved (see {@link ReplayOptions})
   * @param pollInterval how often a replay waiting on retries looks for due events
   * @param claimBatch most events claimed by one statement
   * @param responseBodyLimit bytes of each answer the attempt log keeps
   * @param signingSecretNamespaces namespaces whose Secrets may be read to sign replayed events; empty: none
   * @param secretCacheTtl how long a signing Secret read from the API server is used before it is read again
   */
  public record Replay(String workerId, int maxConcurrency, Duration statusInterval, Duration lease,
      Duration pollInterval, int claimBatch, int responseBodyLimit, Set<String> signingSecretNamespaces,
      Duration secretCacheTtl) {

    /** The CRD's own bound on spec.concurrency: a cap above it would never apply. */
    static final int MOST_CONCURRENCY = 256;

    public Replay {
      if (workerId == null || workerId.isBlank()) {
        throw new IllegalArgumentException("rewind.replay.worker-id must not be blank");
      }
      if (maxConcurrency < 1 || maxConcurrency > MOST_CONCURRENCY) {
        throw new IllegalArgumentException("rewind.replay.max-concurrency must be between 1 and "
            + MOST_CONCURRENCY + ", not " + maxConcurrency);
      }
      positive("rewind.replay.status-interval", statusInterval);
      positive("rewind.replay.lease", lease);
      positive("rewind.replay.poll-interval", pollInterval);
      positive("rewind.replay.secret-cache-ttl", secretCacheTtl);
      if (claimBatch < 1) {
        throw new IllegalArgumentException("rewind.replay.claim-batch must be at least 1");
      }
      if (responseBodyLimit < 0) {
        throw new IllegalArgumentException("rewind.replay.response-body-limit must not be negative");
      }
      signingSecretNamespaces = Set.copyOf(signingSecretNamespaces);
    }

    /** The documented defaults, under the given worker name. */
    public static Replay defaults(String workerId) {
      return new Replay(workerId, 64, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMillis(500), 256,
          4096, Set.of(), Duration.ofSeconds(30));
    }

    /** The options of the replay engine this process runs. */
    public ReplayOptions options() {
      return new ReplayOptions(workerId, lease, pollInterval, claimBatch, responseBodyLimit);
    }

    /** Whether Secrets of {@code namespace} may be read for signing. */
    public boolean readsSecretsOf(String namespace) {
      return signingSecretNamespaces.contains(namespace);
    }

    static void positive(String key, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(key + " must be positive");
      }
    }
  }

  /** Without Replay settings: the defaults, under this host's name; no retention, no takeover. */
  public OperatorSettings(Set<String> namespaces, List<String> extraBlockedCidrs, Duration resyncInterval,
      Duration shutdownTimeout, LeaderElection leaderElection) {
    this(namespaces, extraBlockedCidrs, resyncInterval, shutdownTimeout, leaderElection,
        Replay.defaults(defaultWorkerId(System.getenv(), leaderElection)), null, null, null);
  }

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    extraBlockedCidrs = List.copyOf(extraBlockedCidrs);
    if (resyncInterval.isNegative() || resyncInterval.isZero()) {
      throw new IllegalArgumentException("rewind.operator.resync-interval must be positive");
    }
    // Parses the ranges now, so a typo stops the start instead of surfacing on the first Route.
    new AddressPolicy(extraBlockedCidrs, false);
    Objects.requireNonNull(replay, "replay");
  }

  public static OperatorSettings from(OperatorConfig config) {
    return from(config, System.getenv());
  }

  /** The settings from the configuration, with {@code environment} for the defaults taken from it (HOSTNAME). */
  public static OperatorSettings from(OperatorConfig config, Map<String, String> environment) {
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
        leaderElection,
        replay(config.replay(), environment, leaderElection),
        retention(config.retention()),
        config.takeover().enabled()
            ? new Takeover(config.takeover().after(), config.takeover().concurrency()) : null,
        config.health().enabled()
            ? new Health(config.health().interval(), config.health().window(), config.health().backlogAge(),
                config.health().flowInterval(), config.health().endpointHolds()) : null,
        config.tenants().enabled() ? new Tenants(config.tenants().interval(), "rewind-store") : null);
  }

  private static RetentionSchedule retention(OperatorConfig.Retention r) {
    return r.enabled() ? new RetentionSchedule(new Retention(r.delivered(), r.dead()), r.interval()) : null;
  }

  private static Replay replay(OperatorConfig.Replay r, Map<String, String> environment,
      LeaderElection leaderElection) {
    String workerId = r.workerId().map(String::trim).filter(w -> !w.isEmpty())
        .orElseGet(() -> defaultWorkerId(environment, leaderElection));
    return new Replay(workerId, r.maxConcurrency(), r.statusInterval(), r.lease(), r.pollInterval(),
        r.claimBatch(), r.responseBodyLimit(), Set.copyOf(nonBlank(r.signingSecretNamespaces())),
        r.secretCacheTtl());
  }

  /**
   * The Pod name (HOSTNAME) in a cluster; else the leader-election identity; else a fixed name. It names the
   * process on every replay attempt, so an attempt log says which replica made it.
   */
  static String defaultWorkerId(Map<String, String> environment, LeaderElection leaderElection) {
    String host = environment.get("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host.trim();
    }
    if (leaderElection != null && leaderElection.identity() != null) {
      return leaderElection.identity();
    }
    return "rewind-operator";
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

package dev.rewind.operator.runtime;

import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.health.RouteHealthQuery;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.journal.store.DestinationHolds;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.tenant.TenantRoles;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.health.EndpointHolds;
import dev.rewind.operator.health.FlowMetrics;
import dev.rewind.operator.health.RouteHealthBoard;
import dev.rewind.operator.health.RouteHealthMetrics;
import dev.rewind.operator.health.RouteHealthRefresher;
import dev.rewind.operator.reconciler.FlowReconciler;
import dev.rewind.operator.reconciler.OrphanRouteSweeper;
import dev.rewind.operator.reconciler.ReplayReconciler;
import dev.rewind.operator.reconciler.RetryPolicyReconciler;
import dev.rewind.operator.reconciler.RouteDestinations;
import dev.rewind.operator.reconciler.RouteReconciler;
import dev.rewind.operator.replay.ApiSecretSource;
import dev.rewind.operator.replay.ReplayRuntime;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.takeover.Takeover;
import dev.rewind.operator.tenant.TenantCredentials;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The operator, wired: one JOSDK {@link Operator} on the given client, one controller per kind (see
 * {@link #reconcilers}), leader election when configured, and the orphan sweep on the leader. With the journal
 * store it also runs Replays — their controller and the replay engine that delivers them (only the leader
 * reconciles, so only the leader delivers) — and journal retention, on the leader too. Plain Java, so the Quarkus
 * startup bean and the tests build the operator the same way.
 */
public final class RewindOperator {

  private static final Logger LOG = Logger.getLogger(RewindOperator.class);

  private final OperatorSettings settings;
  private final RouteStore routes;
  private final Clock clock;
  private final Runnable onLeaseLost;
  /** How often the leader looks at which namespaces have routes, for {@link Takeover}. */
  private static final Duration TAKEOVER_REFRESH = Duration.ofSeconds(30);

  private final List<LeaderTask> leaderTasks = new ArrayList<>();
  private HttpDeliverer takeoverDeliverer;
  private KafkaDeliverer takeoverKafka;
  private final ApiSecretSource secrets;
  private final ReplayRuntime replays;
  private final Operator operator;
  private final MeterRegistry meters;
  /** The leader's route health readings; null without a journal store or with health off. */
  private final RouteHealthBoard health;
  private volatile boolean stopping;

  /**
   * The whole operator: Routes and RetryPolicies published to the journal store, and Replays delivered from it.
   *
   * @param journal the journal store (its owner closes it, after {@link #stop})
   * @param metrics JOSDK's reconciliation metrics ({@link Metrics#NOOP} when nothing collects them)
   * @param meters where replay attempts are counted and timed (the same meters as a sidecar's live attempts)
   * @param onLeaseLost what to do when this replica loses the lease while running (production ends the process:
   *     reconciliations under way cannot be recalled, and a restart is the clean way back to follower)
   */
  public RewindOperator(KubernetesClient client, OperatorSettings settings, Store journal, Metrics metrics,
      MeterRegistry meters, Clock clock, Runnable onLeaseLost) {
    this(client, settings, new RouteStore(journal, journal.writeTimeout()), journal, metrics, meters, clock,
        onLeaseLost);
  }

  /**
   * Routes and RetryPolicies only: no Replay controller, for tests about those kinds.
   *
   * @see #RewindOperator(KubernetesClient, OperatorSettings, Store, Metrics, MeterRegistry, Clock, Runnable)
   */
  public RewindOperator(KubernetesClient client, OperatorSettings settings, RouteStore routes, Metrics metrics,
      Clock clock, Runnable onLeaseLost) {
    this(client, settings, routes, null, metrics, null, clock, onLeaseLost);
  }

  private RewindOperator(KubernetesClient client, OperatorSettings settings, RouteStore routes, Store journal,
      Metrics metrics, MeterRegistry meters, Clock clock, Runnable onLeaseLost) {
    this.settings = settings;
    this.routes = routes;
    this.clock = clock;
    this.onLeaseLost = onLeaseLost;
    OrphanRouteSweeper orphans = new OrphanRouteSweeper(client, routes, settings.namespaces());
    leaderTasks.add(new LeaderTask("orphan-sweep", orphans::sweep, settings.resyncInterval()));
    if (journal != null && settings.retention() != null) {
      leaderTasks.add(retention(journal, settings.retention()));
    }
    OperatorSettings.Replay replay = settings.replay();
    this.secrets = journal == null ? null
        : new ApiSecretSource(client, replay::readsSecretsOf, replay.secretCacheTtl(), System::nanoTime);
    // Tests of Routes alone collect no meters; everything that counts then counts into a registry nobody reads.
    this.meters = meters != null ? meters : new SimpleMeterRegistry();
    // Replay and takeover attempts are timed in the same meters, as a sidecar's live ones.
    DeliveryMetrics attempts = journal == null ? null : new DeliveryMetrics(this.meters);
    if (journal != null && settings.takeover() != null) {
      leaderTasks.add(takeover(journal, settings, secrets, attempts, clock));
    }
    this.replays = journal == null ? null
        : ReplayRuntime.create(journal, replay, settings.addressPolicy(), secrets, attempts, clock);
    this.health = journal == null || settings.health() == null ? null
        : new RouteHealthBoard(settings.health().backlogAge());
    this.operator = new Operator(o -> configure(o, client, metrics));
    EndpointHolds holds = journal == null || settings.health() == null || !settings.health().endpointHolds() ? null
        : new EndpointHolds(client, new DestinationHolds(journal.pool()), journal.writeTimeout());
    RouteReconciler routeReconciler = new RouteReconciler(new RouteResolver(settings.addressPolicy()), routes,
        clock, health, settings.replay().workerId(), holds == null ? RouteDestinations.NONE : holds);
    if (holds != null) {
      // Each run writes every hold anew (drift, failed writes); changes of EndpointSlices are written at once.
      leaderTasks.add(new LeaderTask("endpoint-holds", holds::refresh, settings.resyncInterval(), holds::stop));
    }
    if (journal != null && settings.tenants() != null) {
      OperatorSettings.Tenants t = settings.tenants();
      TenantCredentials tenants = new TenantCredentials(client, new TenantRoles(journal.pool()),
          settings.namespaces(), t.secretName(), journal.writeTimeout());
      leaderTasks.add(new LeaderTask("tenant-credentials", tenants::refresh, t.interval()));
    }
    reconcilers(routeReconciler, journal).forEach(this::register);
    if (health != null) {
      leaderTasks.add(health(journal, routeReconciler));
    }
  }

  /**
   * Reads every route's delivery health each interval (one grouped query) into the board the Route reconciler
   * writes status and Events from, and into the gauges alerts are written on. Losing the lead forgets it all.
   */
  private LeaderTask health(Store journal, RouteReconciler routeReconciler) {
    OperatorSettings.Health h = settings.health();
    RouteHealthRefresher refresher = new RouteHealthRefresher(new RouteHealthQuery(journal.pool()), health,
        new RouteHealthMetrics(meters), settings.namespaces(), h.window(),
        journal.writeTimeout().plus(h.interval()),
        clock, routeReconciler::healthChanged);
    return new LeaderTask("route-health", refresher::refresh, h.interval(), refresher::stop);
  }

  /**
   * Delivers the events no sidecar delivers (see {@link Takeover}): the namespaces with routes are looked at every
   * {@link #TAKEOVER_REFRESH} (sooner when events are taken over sooner); each namespace's engine polls on its
   * own. Losing the lead stops the engines.
   */
  private LeaderTask takeover(Store journal, OperatorSettings settings, ApiSecretSource secrets,
      DeliveryMetrics metrics, Clock clock) {
    OperatorSettings.Takeover t = settings.takeover();
    this.takeoverDeliverer = new HttpDeliverer(journal.vertx().getDelegate(), settings.addressPolicy(),
        t.concurrency());
    this.takeoverKafka = new KafkaDeliverer(journal.vertx().getDelegate(), settings.addressPolicy(), secrets);
    AttemptRunner runner = new AttemptRunner(takeoverDeliverer, takeoverKafka, secrets, clock,
        settings.replay().responseBodyLimit());
    Takeover takeover = new Takeover(journal, runner, metrics, settings.namespaces(), settings.replay().workerId(),
        t.after(), t.concurrency(), settings.replay().responseBodyLimit(), clock);
    // A namespace's first route is noticed within the time an event must wait anyway, or TAKEOVER_REFRESH.
    Duration refresh = t.after().compareTo(TAKEOVER_REFRESH) < 0 ? t.after() : TAKEOVER_REFRESH;
    return new LeaderTask("takeover", takeover::refresh, refresh, () -> takeover.stop(settings.shutdownTimeout()));
  }

  /** Deletes expired events from the journal; a run that outlasts the interval is cut off and tried again. */
  private static LeaderTask retention(Store journal, OperatorSettings.RetentionSchedule schedule) {
    return new LeaderTask("retention", () -> {
      long deleted = schedule.retention().apply(journal.pool()).await().atMost(schedule.interval());
      if (deleted > 0) {
        LOG.infof("Retention removed about %d expired events from the journal (a dropped day counts as its"
            + " statistics say)", deleted);
      }
    }, schedule.interval());
  }

  /**
   * Every reconciler the operator runs, one per kind; each is registered with the namespaces, retry and resync
   * interval all Rewind controllers share ({@link #common}).
   */
  private List<Reconciler<? extends HasMetadata>> reconcilers(RouteReconciler routeReconciler, Store journal) {
    List<Reconciler<? extends HasMetadata>> reconcilers = new ArrayList<>(List.of(
        routeReconciler,
        new RetryPolicyReconciler(clock)));
    if (replays != null) {
      reconcilers.add(new ReplayReconciler(replays, settings.replay().statusInterval(), clock,
          settings.replay().workerId(), meters));
    }
    if (health != null) {
      FlowMetrics flows = new FlowMetrics(meters);
      reconcilers.add(new FlowReconciler(new FlowQuery(journal.pool()), settings.health().flowInterval(),
          journal.writeTimeout().plus(settings.health().flowInterval()), clock, flows::tallied, flows::forget,
          settings.replay().workerId()));
    }
    return reconcilers;
  }

  private <P extends HasMetadata> void register(Reconciler<P> reconciler) {
    operator.register(reconciler, this::common);
  }

  private <P extends HasMetadata> void common(ControllerConfigurationOverrider<P> overrider) {
    if (settings.watchesAllNamespaces()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(settings.namespaces());
    }
    overrider.withRetry(retry());
    // A full resync: every object is reconciled from scratch at least this often. Unchanged objects write
    // nothing (neither store nor status), so this only repairs drift, e.g. a route deleted from the store by hand.
    overrider.withReconciliationMaxInterval(settings.resyncInterval());
  }

  /**
   * Failures (a store that does not answer) are retried for as long as they last, backing off to one attempt a
   * minute, while the status says why. JOSDK's default gives up after five attempts, which a store restart outlasts.
   */
  private static GenericRetry retry() {
    return new GenericRetry()
        .setInitialInterval(Duration.ofSeconds(1))
        .setIntervalMultiplier(2)
        .setMaxInterval(Duration.ofMinutes(1).toMillis())
        .withoutMaxAttempts();
  }

  private void configure(ConfigurationServiceOverrider o, KubernetesClient client, Metrics metrics) {
    o.withKubernetesClient(client)
        // The client belongs to whoever built it (Quarkus in production).
        .withCloseClientOnStop(false)
        .withMetrics(metrics)
        .withReconciliationTerminationTimeout(settings.shutdownTimeout());
    OperatorSettings.LeaderElection le = settings.leaderElection();
    if (le != null) {
      var builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(le.leaseName())
          .withLeaseDuration(le.leaseDuration())
          .withRenewDeadline(le.renewDeadline())
          .withRetryPeriod(le.retryPeriod())
          .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
              leader -> LOG.infof("Leader is now %s", leader)));
      if (le.leaseNamespace() != null) {
        builder.withLeaseNamespace(le.leaseNamespace());
      }
      if (le.identity() != null) {
        builder.withIdentity(le.identity());
      }
      // build() leaves JOSDK's own System.exit on a lost lease off. It must stay off: the lease also ends when we
      // stop on purpose, inside a shutdown hook, where exit blocks for ever. stoppedLeading decides instead.
      o.withLeaderElectionConfiguration(builder.build());
    }
  }

  public void start() {
    operator.start();
    if (settings.leaderElection() == null) {
      leaderTasks.forEach(LeaderTask::start);
    }
    LOG.infof("Rewind operator started, watching %s%s",
        settings.watchesAllNamespaces() ? "all namespaces" : "namespaces " + settings.namespaces(),
        settings.leaderElection() == null ? "" : ", leader election on lease " + settings.leaderElection().leaseName());
  }

  /**
   * Stops reconciling; reconciliations under way get the configured shutdown timeout to finish. Then stops
   * delivering replays: claimed events not yet attempted are given back at once, attempts under way get the same
   * timeout to be recorded, and the replays stay Running in the store for the next leader.
   */
  public void stop() {
    stopping = true;
    leaderTasks.forEach(LeaderTask::stop);
    operator.stop();
    if (takeoverKafka != null) {
      takeoverKafka.close();
    }
    if (takeoverDeliverer != null) {
      takeoverDeliverer.close();
    }
    if (replays != null) {
      replays.stop(settings.shutdownTimeout());
      replays.close();
      secrets.close();
    }
  }

  private void startedLeading() {
    LOG.info("This replica leads: reconciling, sweeping orphaned routes and applying retention");
    leaderTasks.forEach(LeaderTask::start);
  }

  private void stoppedLeading() {
    leaderTasks.forEach(LeaderTask::stop);
    if (!stopping) {
      LOG.error("This replica lost the lease while running; stopping so that only the leader reconciles");
      if (replays != null) {
        // Before anything else: the new leader resumes these replays, and this replica must not claim meanwhile.
        replays.stop(settings.shutdownTimeout());
      }
      onLeaseLost.run();
    }
  }
}

package dev.rewind.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's configuration keys ({@code application.properties}; every key can be overridden by its
 * environment variable, e.g. {@code REWIND_STORE_URL} for {@code rewind.store.url}). Read once at start and
 * turned into {@link OperatorSettings} and a {@link dev.rewind.journal.store.StoreConfig}; the README lists
 * every key.
 */
@ConfigMapping(prefix = "rewind")
public interface OperatorConfig {

  Store store();

  Operator operator();

  LeaderElection leaderElection();

  Replay replay();

  Retention retention();

  Takeover takeover();

  Health health();

  Tenants tenants();

  /** The journal store the resolved routes are published to. */
  interface Store {

    /** {@code postgresql://user@host:port/database}. A password here is refused: see {@link #passwordFile()}. */
    String url();

    /**
     * A file holding the store password, typically a key of a mounted Secret. Without it the password comes
     * from the environment variable {@code REWIND_STORE_PASSWORD}; setting both is an error.
     */
    Optional<String> passwordFile();

    /** Connections to the store; the operator's writes are few and small. */
    @WithDefault("4")
    int poolSize();

    /** Longest a reconciliation waits for one store operation before it fails and is retried. */
    @WithDefault("5s")
    Duration timeout();

    /**
     * Whether the operator migrates the journal schema, on its first use of the store (so it starts while the
     * store is down); it is the one process that should.
     */
    @WithDefault("true")
    boolean migrate();
  }

  /** What the operator watches and checks. */
  interface Operator {

    /** Namespaces to watch; all namespaces when unset. */
    Optional<List<String>> namespaces();

    /**
     * CIDR ranges refused as destinations, on top of link-local, metadata, unspecified, multicast and loopback
     * ranges.
     */
    Optional<List<String>> blockedCidrs();

    /**
     * How often every Route, RetryPolicy and Replay is reconciled from scratch, and orphaned routes are swept from
     * the store.
     */
    @WithDefault("5m")
    Duration resyncInterval();

    /** On shutdown, how long reconciliations under way may take to finish. */
    @WithDefault("10s")
    Duration shutdownTimeout();
  }

  /** Leader election, so that several replicas can run and only one reconciles. */
  interface LeaderElection {

    @WithDefault("true")
    boolean enabled();

    /** Name of the coordination.k8s.io Lease. */
    @WithDefault("rewind-operator")
    String leaseName();

    /** Namespace of the Lease; by default the operator's own namespace (its ServiceAccount's). */
    Optional<String> leaseNamespace();

    /** This replica's identity in the Lease; by default the HOSTNAME (the Pod name). */
    Optional<String> identity();

    @WithDefault("15s")
    Duration leaseDuration();

    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();
  }

  /**
   * How the leader runs Replays: it delivers them itself (no pod of the sending workload needs to be alive), with
   * the journal's replay engine.
   */
  interface Replay {

    /** This process' name on every replay attempt and claim; by default the HOSTNAME (the Pod name). */
    Optional<String> workerId();

    /** Most attempts in flight per Replay, whatever its spec.concurrency asks (the CRD allows up to 256). */
    @WithDefault("64")
    int maxConcurrency();

    /** How often a Running Replay's counts are read from the store and written to its status (when changed). */
    @WithDefault("2s")
    Duration statusInterval();

    /**
     * Least time a claimed event stays reserved for this process; the engine takes more when the attempt timeout
     * asks for it (twice the timeout plus 5 s). After a crash, the events it held are attempted again once this
     * runs out.
     */
    @WithDefault("60s")
    Duration lease();

    /** How often a replay waiting on retries looks for due events and notices a cancellation elsewhere. */
    @WithDefault("500ms")
    Duration pollInterval();

    /** Most events claimed by one statement. */
    @WithDefault("256")
    int claimBatch();

    /** How much of each answer the attempt log keeps, in bytes. */
    @WithDefault("4096")
    int responseBodyLimit();

    /**
     * Namespaces whose Secrets the operator may read to sign replayed events (routes with signing.secretRef).
     * Empty by default: the operator reads no Secret, and such attempts end config-error naming the Secret. Each
     * namespace listed needs a Role granting get on secrets (see rbac.yaml).
     */
    Optional<List<String>> signingSecretNamespaces();

    /** How long a signing Secret read from the API server is used before it is read again. */
    @WithDefault("30s")
    Duration secretCacheTtl();
  }

  /**
   * How long completed events stay in the journal ({@code rewind.retention.*}, the same keys as the standalone
   * sidecar's). In a cluster the operator's leader applies it; the sidecars do not.
   */
  interface Retention {

    /** Apply retention from the leader. Off only when something else deletes old events from the store. */
    @WithDefault("true")
    boolean enabled();

    /** How long a delivered event (with its attempts) is kept after delivery. */
    @WithDefault("168h")
    Duration delivered();

    /** How long a dead event is kept after it died: dead events are what replays are for. */
    @WithDefault("720h")
    Duration dead();

    /** How often the leader deletes what has expired. */
    @WithDefault("10m")
    Duration interval();
  }

  /**
   * Delivery of the events no sidecar delivers ({@code rewind.takeover.*}): a workload scaled to zero or deleted
   * leaves its pending and failed events due, and the leader delivers them with the routes' own policies.
   */
  interface Takeover {

    /** Deliver events no sidecar delivered. Off: they wait for a sidecar of their route, or a Replay. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long an event must be overdue before the operator delivers it. A running sidecar claims what falls due
     * within its poll interval (500 ms), so this is only reached when none of the route's sidecars is there.
     */
    @WithDefault("2m")
    Duration after();

    /** Most attempts in flight per namespace. */
    @WithDefault("16")
    int concurrency();
  }

  /** Delivery health on Routes (status, Events, gauges), read from the store by the leader. */
  interface Health {

    /** Read route health at all. Off: Routes show only whether they are published. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the leader reads every route's health (one grouped query): the most an Event or a gauge lags the
     * journal.
     */
    @WithDefault("15s")
    Duration interval();

    /** What "recently" means on a Route: deliveries and deaths are counted over this window. */
    @WithDefault("1m")
    Duration window();

    /** How long the oldest event still being tried may wait before its Route is Healthy=False, Backlog. */
    @WithDefault("5m")
    Duration backlogAge();

    /** How often each Flow's orders are read from the store (one statement per Flow). */
    @WithDefault("30s")
    Duration flowInterval();

    /**
     * Hold deliveries to an in-cluster Service (a Route's {@code <svc>.<ns>.svc} destination) while it has no ready
     * endpoint, instead of spending their retries: the leader watches the Service's EndpointSlices. Off by default
     * for now: with it on, an outage of such a Service leaves no dead events to replay, the events wait and drain.
     */
    @WithDefault("false")
    boolean endpointHolds();
  }

  /**
   * Tenant isolation in the store ({@code rewind.tenants.*}, docs/tenant-isolation.md): each namespace with a Route
   * or a captured pod gets a database role of its own, which row-level security limits to its namespace's rows,
   * and its credentials in the Secret the injector mounts ({@code rewind.injector.store.password-secret}).
   */
  interface Tenants {

    /**
     * Manage namespace roles and their Secrets. Needs a store user with CREATEROLE. Off: the operator creates no
     * roles and no Secrets; provide the Secret yourself (e.g. the chart's shared password), whose user then
     * must pass the policies (the schema owner, or a member of rewind_operator or of a namespace role).
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the leader looks for namespaces that gained or lost their last Rewind object, and for Secrets
     * asking for a rotation ({@code rewind.dev/rotate}).
     */
    @WithDefault("10s")
    Duration interval();
  }
}

package dev.rewind.sidecar.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the sidecar, under {@code rewind.*} (environment: {@code REWIND_*}). The README lists them with
 * their defaults; this interface is the source of truth.
 */
@ConfigMapping(prefix = "rewind")
public interface SidecarConfig {

  /** standalone: routes from YAML files, embedded store by default. cluster: routes from the store. */
  @WithDefault("standalone")
  Mode mode();

  enum Mode { standalone, cluster }

  /** The namespace whose events this sidecar captures (in a pod: from the downward API). */
  @WithDefault("default")
  String namespace();

  /** The workload (Deployment, StatefulSet, ...) this sidecar belongs to; routes may be limited to some. */
  @WithDefault("local")
  String workload();

  /** This process' identity: it owns delivery leases. In a pod, the pod name. Default: the host name. */
  Optional<String> pod();

  /**
   * The pod's labels as the downward API writes them (the injector mounts them), recorded with the sender so a
   * trace shows them. Default: none (standalone).
   */
  Optional<String> labelsFile();

  /**
   * Serve only these routes of the namespace (the pod annotation rewind.dev/routes). Default: every route that
   * applies to this workload.
   */
  Optional<List<String>> routes();

  /** Standalone: directory of Route and RetryPolicy YAML files, re-read when they change. */
  @WithDefault("rewind.d")
  String configDir();

  /** Signing secrets, laid out as Kubernetes mounts them: {@code <dir>/<secret name>/<key>}. */
  Optional<String> secretsDir();

  Store store();

  Capture capture();

  Proxy proxy();

  Delivery delivery();

  Retention retention();

  /** How long completed events are kept. In a cluster the operator's leader applies it; standalone, the sidecar. */
  interface Retention {
    /** Apply retention from this process. Default: standalone yes, cluster no. */
    Optional<Boolean> enabled();

    @WithDefault("168h")
    Duration delivered();

    @WithDefault("720h")
    Duration dead();

    @WithDefault("10m")
    Duration interval();
  }

  interface Store {
    /** postgresql://user@host:port/database. Empty: start an embedded PostgreSQL (standalone only). */
    Optional<String> url();

    /** The store password; set it from a Secret through the environment (REWIND_STORE_PASSWORD). */
    Optional<String> password();

    /**
     * A mounted Secret directory with the keys {@code password} and, optionally, {@code username} (else the URL's
     * user). Read for every new store connection, so a rotated password takes effect without a restart; set by
     * the injector to the namespace's {@code rewind-store} Secret. Takes precedence over {@code password}.
     */
    Optional<String> credentialsDir();

    @WithDefault("8")
    int poolSize();

    /** Apply schema migrations at start; off for a store user without DDL rights. */
    @WithDefault("true")
    boolean migrate();

    /** Longest wait for a durable journal write before the capture is answered 503. */
    @WithDefault("2s")
    Duration writeTimeout();

    /** Where the embedded PostgreSQL keeps its data, so a restart keeps the journal. */
    @WithDefault(".rewind/pgdata")
    String embeddedDataDir();

    /**
     * The loopback port the embedded PostgreSQL listens on; 0 (the default) for a free one. The running store's
     * URL is written to {@code store.url} beside the data directory either way; a fixed port is for other tools
     * (psql, a SQL client) that should find it at the same address after every restart.
     */
    @WithDefault("0")
    int embeddedPort();
  }

  interface Capture {
    /** Explicit capture: POST /v1/routes/{route}[/suffix]. Loopback only. */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("4470")
    int port();

    /** Largest request body captured; larger ones are answered 413 and nothing is journaled. */
    @WithDefault("1048576")
    int maxBodySize();
  }

  interface Proxy {
    /** The HTTP forward proxy applications reach through HTTP_PROXY. */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("4471")
    int port();
  }

  interface Delivery {
    @WithDefault("64")
    int concurrency();

    @WithDefault("60s")
    Duration lease();

    @WithDefault("500ms")
    Duration pollInterval();

    /** How much of each destination answer the attempt log keeps. */
    @WithDefault("4096")
    int responseBodyLimit();

    /**
     * Most bytes of event bodies held in memory for delivery; beyond it events wait in the store. Keeps a burst
     * of large events from exhausting the sidecar's small heap.
     */
    @WithDefault("8388608")
    long memoryBudget();

    /** Deliver to loopback addresses. Default: allowed standalone, refused in a cluster. */
    Optional<Boolean> allowLoopback();

    /** Extra CIDR ranges never delivered to, beyond link-local and metadata addresses. */
    Optional<List<String>> blockedCidrs();

    /** How long a stopping sidecar lets attempts under way finish. */
    @WithDefault("10s")
    Duration shutdownGrace();
  }
}

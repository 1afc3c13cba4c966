package dev.rewind.operator.health;

import dev.rewind.journal.delivery.BreakerStateMachine;
import dev.rewind.journal.store.DestinationHolds;
import dev.rewind.operator.model.ServiceHost;
import dev.rewind.operator.reconciler.RouteDestinations;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The Kubernetes-aware hold, on the leader: for every Route whose destination is an in-cluster Service
 * ({@link ServiceHost}), the Service's EndpointSlices are watched (one informer per Service, selected by the
 * {@code kubernetes.io/service-name} label), and while none has a ready endpoint the destination's breaker row
 * carries a {@code hold_reason}, which holds its events in every sidecar (and the operator's takeover) without
 * spending an attempt; a ready endpoint clears it, and the events flow again.
 *
 * <p>Every store write is one conditional statement ({@link DestinationHolds#hold}), made only when the wanted reason
 * differs from the one last written; all work runs on one thread, so the writes of one destination never cross.
 * The periodic {@link #refresh} (the leader's task) writes every hold anew, repairing drift and failed writes, and
 * releases the holds of destinations no Route names any more.
 */
public final class EndpointHolds implements RouteDestinations {

  private static final Logger LOG = Logger.getLogger(EndpointHolds.class);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private record Target(ServiceHost service, String destination) {}

  /** A destination as held for one namespace's Routes: breakers, and so holds, are per namespace. */
  private record Held(String namespace, String destination) {
    @Override
    public String toString() {
      return destination + " (namespace " + namespace + ")";
    }
  }

  private final KubernetesClient client;
  private final DestinationHolds store;
  private final Duration timeout;
  /** namespace/route → what it delivers to, for Routes naming a Service. */
  private final Map<String, Target> routes = new HashMap<>();
  /** Touched on the worker thread only. */
  private final Map<ServiceHost, SharedIndexInformer<EndpointSlice>> informers = new HashMap<>();
  /** Held destination → the reason last written ("" for released); on the worker thread only. */
  private final Map<Held, String> written = new HashMap<>();
  private ScheduledExecutorService worker;
  private boolean firstRun;

  /** @param timeout longest one store write may take */
  public EndpointHolds(KubernetesClient client, DestinationHolds store, Duration timeout) {
    this.client = client;
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  public void seen(String namespace, String name, String url) {
    Target target = ServiceHost.of(url).map(s -> new Target(s, BreakerStateMachine.key(url))).orElse(null);
    synchronized (this) {
      String key = namespace + "/" + name;
      Target old = target == null ? routes.remove(key) : routes.put(key, target);
      if (!Objects.equals(old, target)) {
        submit();
      }
    }
  }

  @Override
  public void gone(String namespace, String name) {
    synchronized (this) {
      if (routes.remove(namespace + "/" + name) != null) {
        submit();
      }
    }
  }

  /**
   * One run of the leader's task: starts the work when this replica starts leading, then writes every hold anew
   * and releases those of destinations no Route names any more. Blocks until done.
   */
  public void refresh() {
    Future<?> run;
    synchronized (this) {
      if (worker == null) {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread thread = new Thread(r, "rewind-endpoint-holds");
          thread.setDaemon(true);
          return thread;
        });
        firstRun = true;
      }
      run = worker.submit(() -> {
        boolean releaseStale = !firstRun;
        firstRun = false;
        written.clear();
        sync(releaseStale);
      });
    }
    try {
      run.get(timeout.multipliedBy(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("endpoint holds not refreshed: " + e, e);
    }
  }

  /** This replica stopped leading: stops watching. Holds stay in the store for the next leader to keep or clear. */
  public void stop() {
    ScheduledExecutorService w;
    synchronized (this) {
      w = worker;
      worker = null;
    }
    if (w == null) {
      return;
    }
    try {
      w.submit(() -> {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        written.clear();
      }).get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("Stopping the EndpointSlice watches: %s", e.getMessage());
    }
    w.shutdownNow();
  }

  /** Whether the Service's deliveries are held now, as its EndpointSlices were last seen. */
  private static boolean held(SharedIndexInformer<EndpointSlice> informer) {
    List<List<Boolean>> readiness = new ArrayList<>();
    for (EndpointSlice slice : informer.getStore().list()) {
      List<Boolean> ready = new ArrayList<>();
      if (slice.getEndpoints() != null) {
        for (Endpoint e : slice.getEndpoints()) {
          ready.add(e.getConditions() == null ? null : e.getConditions().getReady());
        }
      }
      readiness.add(ready);
    }
    return ServiceHost.held(readiness);
  }

  private synchronized void submit() {
    if (worker != null) {
      worker.execute(() -> sync(false));
    }
  }

  private synchronized void retryLater() {
    if (worker != null) {
      worker.schedule(() -> sync(false), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** On the worker thread: watches exactly the named Services, and writes the holds that changed. */
  private void sync(boolean releaseStale) {
    Map<Held, ServiceHost> destinations = new HashMap<>();
    synchronized (this) {
      routes.forEach((route, t) -> destinations.put(
          new Held(route.substring(0, route.indexOf('/')), t.destination()), t.service()));
    }
    Set<ServiceHost> services = new HashSet<>(destinations.values());
    informers.keySet().removeIf(s -> {
      if (!services.contains(s)) {
        informers.get(s).close();
        LOG.debugf("No Route names Service %s any more: its EndpointSlices are not watched", s);
        return true;
      }
      return false;
    });
    boolean failed = false;
    for (ServiceHost s : services) {
      if (!informers.containsKey(s)) {
        try {
          informers.put(s, watch(s));
        } catch (RuntimeException e) {
          LOG.warnf("Cannot watch the EndpointSlices of Service %s, its deliveries are not held when it has no"
              + " ready endpoints: %s", s, e.getMessage());
          failed = true;
        }
      }
    }
    Map<Held, String> wanted = new HashMap<>();
    destinations.forEach((d, s) -> {
      SharedIndexInformer<EndpointSlice> informer = informers.get(s);
      if (informer != null) {
        wanted.put(d, held(informer) ? s.holdReason() : "");
      }
    });
    // Destinations once held here that no Route names any more: released.
    new HashSet<>(written.keySet()).stream().filter(d -> !destinations.containsKey(d))
        .forEach(d -> wanted.put(d, ""));
    if (releaseStale) {
      failed |= !releaseStale(destinations.keySet(), wanted);
    }
    for (Map.Entry<Held, String> e : wanted.entrySet()) {
      failed |= !write(e.getKey(), e.getValue());
    }
    written.keySet().removeIf(d -> !destinations.containsKey(d) && "".equals(written.get(d)));
    if (failed) {
      retryLater();
    }
  }

  /** Holds this operator set earlier (another leader, another run) on destinations no Route names now. */
  private boolean releaseStale(Set<Held> named, Map<Held, String> wanted) {
    try {
      store.held().await().atMost(timeout).stream()
          .filter(row -> row.reason().startsWith(ServiceHost.HOLD_PREFIX))
          .map(row -> new Held(row.namespace(), row.destination()))
          .filter(held -> !named.contains(held))
          .forEach(held -> wanted.put(held, ""));
      return true;
    } catch (RuntimeException e) {
      LOG.warnf("Could not read the breakers to release stale holds: %s", e.getMessage());
      return false;
    }
  }

  private boolean write(Held destination, String reason) {
    if (reason.equals(written.get(destination))) {
      return true;
    }
    try {
      boolean changed = store.hold(destination.namespace(), destination.destination(),
          reason.isEmpty() ? null : reason).await().atMost(timeout);
      written.put(destination, reason);
      if (changed) {
        if (reason.isEmpty()) {
          LOG.infof("Deliveries to %s released: its Service has a ready endpoint, or no Route holds it", destination);
        } else {
          LOG.warnf("Deliveries to %s held: %s", destination, reason);
        }
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warnf("Could not write the hold of %s (retried): %s", destination, e.getMessage());
      return false;
    }
  }

  private SharedIndexInformer<EndpointSlice> watch(ServiceHost service) {
    SharedIndexInformer<EndpointSlice> informer = client.discovery().v1().endpointSlices()
        .inNamespace(service.namespace()).withLabel(ServiceHost.SERVICE_NAME_LABEL, service.name())
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            submit();
          }

          @Override
          public void onUpdate(EndpointSlice old, EndpointSlice slice) {
            submit();
          }

          @Override
          public void onDelete(EndpointSlice slice, boolean unknownFinalState) {
            submit();
          }
        }, 0);
    LOG.debugf("Watching the EndpointSlices of Service %s", service);
    return informer;
  }
}

package dev.rewind.operator.webhook;

import dev.rewind.operator.events.EventRecorder;
import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Makes pods visible that asked for capture but run without the sidecar — created while the injector was down
 * ({@code failurePolicy: Ignore}), before it was installed, or passed over (see the pod's
 * {@code rewind.dev/injection-notes}): a Warning Event {@code SidecarNotInjected} on each such pod
 * ({@code kubectl describe pod}, event-based alerting) and the gauge {@code rewind_injector_uninjected_pods}. A
 * capture annotation that is neither true nor false ({@code "yes please"}) gets a Warning
 * {@code CaptureAnnotationInvalid} and is counted the same way: the pod runs without the sidecar (fail open).
 *
 * <p>The watch asks the API server only for pods without the {@code rewind.dev/injected} label, and keeps no more
 * than their names in memory. Every replica runs it; the Event has a name derived from the pod, so a second replica,
 * or a restart, finds it already there instead of repeating it.
 */
public final class UninjectedPodWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(UninjectedPodWatcher.class);
  static final String REASON = "SidecarNotInjected";
  /** A {@code rewind.dev/capture} value that is neither true nor false. */
  static final String INVALID_REASON = "CaptureAnnotationInvalid";
  static final String COMPONENT = "rewind-sidecar-injector";
  private static final String NOT_INJECTED_KEY = "rewind-not-injected";

  private final KubernetesClient client;
  private final Set<String> excludedNamespaces;
  private final EventRecorder events;
  private final Set<String> uninjected = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private Runnable unregisterGauge = () -> { };

  private UninjectedPodWatcher(KubernetesClient client, Set<String> excludedNamespaces, Clock clock) {
    this.client = client;
    this.excludedNamespaces = excludedNamespaces;
    this.events = new EventRecorder(client, clock, COMPONENT, COMPONENT);
  }

  /** Starts watching (every namespace, or only {@code namespaces}) and returns once the first list is in. */
  public static UninjectedPodWatcher start(KubernetesClient client, InjectorSettings settings,
      InjectionMetrics metrics, Clock clock) {
    UninjectedPodWatcher watcher = new UninjectedPodWatcher(client, Set.copyOf(settings.excludedNamespaces()), clock);
    String selector = "!" + CaptureAnnotations.INJECTED_LABEL;
    List<String> namespaces = settings.registration().namespaces();
    try {
      if (namespaces.isEmpty()) {
        watcher.watch(client.pods().inAnyNamespace().withLabelSelector(selector).runnableInformer(0));
      } else {
        namespaces.forEach(ns -> watcher.watch(
            client.pods().inNamespace(ns).withLabelSelector(selector).runnableInformer(0)));
      }
    } catch (RuntimeException e) {
      watcher.close();
      throw e;
    }
    watcher.unregisterGauge = metrics.uninjectedPods(watcher.uninjected::size);
    return watcher;
  }

  /** How many pods asked for capture and run without the sidecar, as last seen. */
  public int count() {
    return uninjected.size();
  }

  private void watch(SharedIndexInformer<Pod> informer) {
    // Names only: a cluster's worth of pods is watched, and nothing else of them is needed.
    informer.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
        client.getKubernetesSerialization()));
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        seen(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        seen(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        uninjected.remove(key(pod));
      }
    });
    informers.add(informer);
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot watch pods for missing sidecars (RBAC: pods list/watch)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the pod watch", e);
    }
  }

  private void seen(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    // Most pods never mention capture: decided without parsing.
    if (!CaptureAnnotations.mentionsCapture(annotations)
        || excludedNamespaces.contains(pod.getMetadata().getNamespace())
        || pod.getMetadata().getDeletionTimestamp() != null) {
      uninjected.remove(key(pod));
      return;
    }
    CaptureAnnotations parsed = CaptureAnnotations.parse(annotations);
    // A value that is not a boolean ("yes please") was meant to ask for capture as often as not: say so as loudly.
    Optional<String> invalid = parsed.problems().stream()
        .filter(p -> p.startsWith(CaptureAnnotations.CAPTURE + ":")).findFirst();
    if (!parsed.capture() && invalid.isEmpty()) {
      uninjected.remove(key(pod));
      return;
    }
    if (uninjected.add(key(pod))) {
      if (invalid.isPresent()) {
        events.once(pod, INVALID_REASON, EventRecorder.WARNING, INVALID_REASON, invalid.get()
            + ": the pod runs without the Rewind sidecar and its outbound HTTP is not captured. Set "
            + CaptureAnnotations.CAPTURE + " to \"true\" (or \"false\") in the pod template; the pods are"
            + " recreated with the sidecar.");
        LOG.warnf("Pod %s/%s has an invalid %s annotation: %s", pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(), CaptureAnnotations.CAPTURE, invalid.get());
      } else {
        warn(pod);
      }
    }
  }

  private void warn(Pod pod) {
    String notes = pod.getMetadata().getAnnotations().get(CaptureAnnotations.NOTES);
    String message = "The pod asked for capture (" + CaptureAnnotations.CAPTURE + ": \"true\") but runs without the"
        + " Rewind sidecar: its outbound HTTP is not captured. "
        + (notes != null ? "The injector said: " + notes + "."
            : "The injector was unavailable when the pod was created.")
        + " Recreate the pod (e.g. kubectl rollout restart) once the injector is running.";
    events.once(pod, NOT_INJECTED_KEY, EventRecorder.WARNING, REASON, message);
    LOG.warnf("Pod %s/%s asked for capture but runs without the sidecar", pod.getMetadata().getNamespace(),
        pod.getMetadata().getName());
  }

  /** One Event per pod incarnation: the name carries the pod's uid, so a recreated pod gets its own. */
  static String eventName(Pod pod) {
    return EventRecorder.name(pod, NOT_INJECTED_KEY);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    unregisterGauge.run();
  }
}

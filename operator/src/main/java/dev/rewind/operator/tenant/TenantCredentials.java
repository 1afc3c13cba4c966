package dev.rewind.operator.tenant;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.store.MountedCredentials;
import dev.rewind.journal.tenant.TenantPassword;
import dev.rewind.journal.tenant.TenantRoles;
import dev.rewind.operator.model.TenantPlan;
import dev.rewind.operator.model.TenantPlan.SecretState;
import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The leader's chore for tenant isolation: every namespace with a Route or a captured pod has a database role of
 * its own and a Secret holding its credentials; a namespace without either has neither (see {@link TenantPlan}).
 *
 * <p>Order matters for the sidecars. Creating and rotating: the password is set in the store first, then written
 * to the Secret; a sidecar reads the mounted Secret for each new connection and its open sessions stay valid, so a
 * rotation loses nothing that was acknowledged (a connection opened in the moment between the two writes fails,
 * and its capture is answered 503, not acknowledged). Removing: the role first, then the Secret.
 *
 * <p>Reads the API server on every run (Routes, and pods by the injector's label; then one Secret per namespace
 * concerned, by name), never a cache, so a run never acts on a stale view of what is in use.
 */
public final class TenantCredentials {

  private static final Logger LOG = Logger.getLogger(TenantCredentials.class);

  /** On the Secrets the operator makes: which ones it may change and delete. */
  public static final String MANAGED_LABEL = "rewind.dev/store-credentials";
  public static final String MANAGED_VALUE = "namespace";
  /** Set (to any new value) by a user to ask for a new password. */
  public static final String ROTATE_ANNOTATION = "rewind.dev/rotate";
  /** The last rotate request the operator carried out. */
  public static final String ROTATED_FOR_ANNOTATION = "rewind.dev/rotated-for";
  public static final String ROTATED_AT_ANNOTATION = "rewind.dev/rotated-at";

  private final KubernetesClient client;
  private final TenantRoles roles;
  private final Set<String> namespaces;
  private final String secretName;
  private final Duration timeout;

  /**
   * @param namespaces the namespaces this operator is responsible for; empty means all
   * @param timeout longest one store statement may take
   */
  public TenantCredentials(KubernetesClient client, TenantRoles roles, Set<String> namespaces, String secretName,
      Duration timeout) {
    this.client = client;
    this.roles = roles;
    this.namespaces = Set.copyOf(namespaces);
    this.secretName = secretName;
    this.timeout = timeout;
  }

  /** One run: observe, plan, act. A failed namespace is logged and tried again next run; the others go on. */
  public void refresh() {
    Set<String> inUse = inUse();
    Set<String> withRole = new TreeSet<>(roles.namespaces().await().atMost(timeout));
    withRole.removeIf(ns -> !responsibleFor(ns));
    Map<String, Secret> secrets = new HashMap<>();
    Map<String, SecretState> states = new HashMap<>();
    for (String ns : union(inUse, withRole)) {
      Secret secret = client.secrets().inNamespace(ns).withName(secretName).get();
      secrets.put(ns, secret);
      states.put(ns, state(secret));
    }
    for (TenantPlan.Step step : TenantPlan.plan(inUse, withRole, states)) {
      try {
        act(step, secrets.get(step.namespace()));
      } catch (RuntimeException e) {
        LOG.warnf("Namespace %s: store credentials not %s (tried again in the next run): %s", step.namespace(),
            step.action().name().toLowerCase(java.util.Locale.ROOT) + "d", e.getMessage());
      }
    }
  }

  private void act(TenantPlan.Step step, Secret current) {
    String ns = step.namespace();
    switch (step.action()) {
      case CREATE -> {
        TenantPassword password = TenantPassword.generate();
        String role = roles.ensure(ns, password).await().atMost(timeout);
        client.secrets().inNamespace(ns).resource(secret(ns, role, password, null)).create();
        LOG.infof("Namespace %s: store role %s and Secret %s created", ns, role, secretName);
      }
      case ROTATE -> {
        TenantPassword password = TenantPassword.generate();
        String role = roles.ensure(ns, password).await().atMost(timeout);
        String request = annotation(current, ROTATE_ANNOTATION);
        Secret next = secret(ns, role, password, request);
        // The resourceVersion read: a concurrent edit of the Secret fails this write, and the next run (which
        // still sees the request unanswered) sets yet another password in both places.
        next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        if (current.getMetadata().getAnnotations() != null && request != null) {
          next.getMetadata().getAnnotations().put(ROTATE_ANNOTATION, request);
        }
        client.secrets().inNamespace(ns).resource(next).update();
        LOG.infof("Namespace %s: store role %s has a new password, in Secret %s", ns, role, secretName);
      }
      case REMOVE -> {
        if (step.dropRole()) {
          roles.drop(ns).await().atMost(timeout);
        }
        if (step.deleteSecret()) {
          client.secrets().inNamespace(ns).withName(secretName).delete();
        }
        LOG.infof("Namespace %s has no Route and no captured pod left: its store role%s removed", ns,
            step.deleteSecret() ? " and Secret " + secretName : "");
      }
      case LEAVE -> LOG.debugf("Namespace %s: Secret %s is not the operator's (no %s label); left as it is", ns,
          secretName, MANAGED_LABEL);
      default -> throw new IllegalStateException("unknown action " + step.action());
    }
  }

  private Secret secret(String ns, String role, TenantPassword password, String rotatedFor) {
    SecretBuilder builder = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(ns)
        .addToLabels(MANAGED_LABEL, MANAGED_VALUE)
        .addToLabels("app.kubernetes.io/managed-by", "rewind-operator")
        .addToAnnotations(ROTATED_AT_ANNOTATION, Instant.now().toString())
        .endMetadata()
        .withType("Opaque")
        .addToStringData(MountedCredentials.USERNAME, role)
        .addToStringData(MountedCredentials.PASSWORD, password.clear());
    if (rotatedFor != null) {
      builder.editMetadata().addToAnnotations(ROTATED_FOR_ANNOTATION, rotatedFor).endMetadata();
    }
    return builder.build();
  }

  /** Namespaces with a Route, or a pod the injector gave a sidecar. */
  private Set<String> inUse() {
    List<? extends HasMetadata> routes;
    List<? extends HasMetadata> pods;
    if (namespaces.isEmpty()) {
      routes = client.resources(Route.class).inAnyNamespace().list().getItems();
      pods = client.pods().inAnyNamespace().withLabel(CaptureAnnotations.INJECTED_LABEL, "true").list().getItems();
    } else {
      routes = namespaces.stream().flatMap(ns -> client.resources(Route.class).inNamespace(ns).list().getItems()
          .stream()).toList();
      pods = namespaces.stream().flatMap(ns -> client.pods().inNamespace(ns)
          .withLabel(CaptureAnnotations.INJECTED_LABEL, "true").list().getItems().stream()).toList();
    }
    Set<String> inUse = new TreeSet<>();
    Stream.concat(routes.stream(), pods.stream())
        // A pod or Route being deleted still counts until it is gone: its sidecar may still be working.
        .map(o -> o.getMetadata().getNamespace())
        .forEach(inUse::add);
    return inUse;
  }

  private boolean responsibleFor(String ns) {
    return namespaces.isEmpty() || namespaces.contains(ns);
  }

  static SecretState state(Secret secret) {
    if (secret == null) {
      return SecretState.ABSENT;
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels == null || !MANAGED_VALUE.equals(labels.get(MANAGED_LABEL))) {
      return SecretState.FOREIGN;
    }
    String request = annotation(secret, ROTATE_ANNOTATION);
    return request != null && !request.equals(annotation(secret, ROTATED_FOR_ANNOTATION))
        ? SecretState.ROTATION_REQUESTED : SecretState.MANAGED;
  }

  private static String annotation(Secret secret, String key) {
    Map<String, String> annotations = secret == null ? null : secret.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}

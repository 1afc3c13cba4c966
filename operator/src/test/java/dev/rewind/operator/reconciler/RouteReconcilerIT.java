package dev.rewind.operator.reconciler;

import static dev.rewind.operator.testing.Objects.newPolicy;
import static dev.rewind.operator.testing.Objects.newRoute;
import static dev.rewind.operator.testing.Statuses.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.operator.testing.RunningOperator;
import dev.rewind.operator.testing.Statuses;
import dev.rewind.testbed.Conflicts;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Route and RetryPolicy controllers against a real API server and a real PostgreSQL journal, running as the
 * operator's ServiceAccount with exactly the shipped RBAC. The full resync runs every two seconds here, so every
 * test also shows that a resync changes nothing that did not change.
 */
@KubeApiTest
class RouteReconcilerIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration RESYNC = Duration.ofSeconds(2);

  private static String ns;
  private static KubernetesClient admin;
  private static TestStore journal;
  private static RouteStore store;
  private static RunningOperator operator;

  @BeforeAll
  static void start(KubeTestBed kube, @TestNamespace String namespace) {
    ns = namespace;
    admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    journal = TestStore.create();
    store = new RouteStore(journal.store, Duration.ofSeconds(5));
    operator = RunningOperator.start(serviceAccount.client(), RunningOperator.watching(ns, RESYNC), store);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  @Test
  void aRouteWaitsForItsRetryPolicyAndIsPublishedWithItOnceItAppears() {
    routes().resource(newRoute("orders", "http://service-b." + ns + ".svc:8080/orders", "quick")).create();

    await().atMost(WAIT).until(() -> isReady(route("orders"), "False", "RetryPolicyNotFound"));
    assertThat(Statuses.condition(route("orders"), RouteStatus.RESOLVED_REFS)).get()
        .extracting(Condition::getStatus, Condition::getReason).containsExactly("False", "RetryPolicyNotFound");
    assertThat(published("orders")).isEmpty();

    policies().resource(newPolicy("quick", 4)).create();

    await().atMost(WAIT).until(() -> isReady(route("orders"), "True", "Published"));
    Route ready = route("orders");
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(ready.getStatus().getPublishedGeneration()).isEqualTo(1L);
    assertThat(ready.getStatus().getRetryPolicyGeneration()).isEqualTo(1L);
    assertThat(Statuses.condition(ready, RouteStatus.RESOLVED_REFS)).get()
        .extracting(Condition::getStatus, Condition::getReason).containsExactly("True", "Resolved");
    assertThat(published("orders")).get().satisfies(route -> {
      assertThat(route.destination()).isEqualTo("http://service-b." + ns + ".svc:8080/orders");
      assertThat(route.policyName()).isEqualTo("quick");
      assertThat(route.policy().maxAttempts()).isEqualTo(4);
    });
    // And the policy counts the Route that references it.
    await().atMost(WAIT).until(() -> policyCount("quick") == 1);
    assertThat(Statuses.ready(policy("quick"))).get().extracting(Condition::getStatus).isEqualTo("True");
  }

  @Test
  void editingTheRetryPolicyRepublishesEveryRouteThatUsesIt() {
    policies().resource(newPolicy("patient", 3)).create();
    routes().resource(newRoute("invoices", "http://billing." + ns + ".svc/invoices", "patient")).create();
    await().atMost(WAIT).until(() -> isReady(route("invoices"), "True", "Published"));
    assertThat(policyGenerationInStore("invoices")).isEqualTo("1");

    Conflicts.retry(() -> policies().withName("patient").edit(p -> {
      p.getSpec().setMaxAttempts(6);
      return p;
    }));

    await().atMost(WAIT).until(() -> "2".equals(policyGenerationInStore("invoices")));
    assertThat(published("invoices")).get().extracting(r -> r.policy().maxAttempts()).isEqualTo(6);
    await().atMost(WAIT).until(() -> Long.valueOf(2).equals(route("invoices").getStatus().getRetryPolicyGeneration()));
    // Same Route generation, still Ready: no transition.
    assertThat(route("invoices").getStatus().getPublishedGeneration()).isEqualTo(1L);
  }

  @Test
  void aResyncRewritesNeitherTheStatusNorTheStoreWhenNothingChanged() {
    routes().resource(newRoute("steady", "http://steady." + ns + ".svc/", null)).create();
    await().atMost(WAIT).until(() -> isReady(route("steady"), "True", "Published"));
    String resourceVersion = route("steady").getMetadata().getResourceVersion();
    String publishedAt = publishedAt("steady");
    int reconciled = operator.reconciles.of(Route.KIND, ns, "steady");

    // Two full resyncs (every RESYNC) reconcile it again from scratch.
    await().atMost(WAIT).until(() -> operator.reconciles.of(Route.KIND, ns, "steady") >= reconciled + 2);

    assertThat(route("steady").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(publishedAt("steady")).isEqualTo(publishedAt);
  }

  @Test
  void deletingARouteUnpublishesItAndItsFinalizerLetsItGo() {
    routes().resource(newRoute("short-lived", "http://tmp." + ns + ".svc/", null)).create();
    await().atMost(WAIT).until(() -> isReady(route("short-lived"), "True", "Published"));
    assertThat(route("short-lived").getMetadata().getFinalizers()).contains("routes.rewind.dev/finalizer");
    assertThat(published("short-lived")).isPresent();

    routes().withName("short-lived").delete();

    await().atMost(WAIT).until(() -> route("short-lived") == null);
    assertThat(published("short-lived")).isEmpty();
  }

  @Test
  void aDestinationInTheMetadataRangeIsBlockedAndNotPublished() {
    routes().resource(newRoute("metadata", "http://169.254.169.254/latest/meta-data/", null)).create();

    await().atMost(WAIT).until(() -> isReady(route("metadata"), "False", "DestinationBlocked"));
    assertThat(Statuses.condition(route("metadata"), RouteStatus.READY)).get()
        .extracting(Condition::getMessage).asString().contains("169.254.0.0/16");
    assertThat(published("metadata")).isEmpty();
  }

  @Test
  void aRefusedEditLeavesTheLastGoodGenerationPublished() {
    routes().resource(newRoute("edited", "http://good." + ns + ".svc/", null)).create();
    await().atMost(WAIT).until(() -> isReady(route("edited"), "True", "Published"));

    Conflicts.retry(() -> routes().withName("edited").edit(r -> {
      r.getSpec().getDestination().setUrl("http://metadata.google.internal/");
      return r;
    }));

    await().atMost(WAIT).until(() -> isReady(route("edited"), "False", "DestinationBlocked"));
    assertThat(route("edited").getStatus().getPublishedGeneration()).isEqualTo(1L);
    assertThat(published("edited")).get().extracting(ResolvedRoute::destination)
        .isEqualTo("http://good." + ns + ".svc/");
  }

  @Test
  void retryPolicyCountsFollowRoutesMovingBetweenPolicies() {
    policies().resource(newPolicy("first", 2)).create();
    policies().resource(newPolicy("second", 2)).create();
    routes().resource(newRoute("mover", "http://m." + ns + ".svc/", "first")).create();
    routes().resource(newRoute("stayer", "http://s." + ns + ".svc/", "first")).create();
    await().atMost(WAIT).until(() -> policyCount("first") == 2 && policyCount("second") == 0);

    Conflicts.retry(() -> routes().withName("mover").edit(r -> {
      r.getSpec().getRetryPolicyRef().setName("second");
      return r;
    }));

    await().atMost(WAIT).until(() -> policyCount("first") == 1 && policyCount("second") == 1);
    routes().withName("stayer").delete();
    await().atMost(WAIT).until(() -> policyCount("first") == 0);
  }

  @Test
  void theSweepUnpublishesRoutesWhoseRouteIsGoneInWatchedNamespacesOnly() {
    // Published behind the operator's back: no Route of that name exists.
    store.publish(inNamespace(ns, Routes.to("ghost", "http://ghost.example.com/", "maxAttempts: 2\n")));
    ResolvedRoute elsewhere = inNamespace("not-watched-" + ns,
        Routes.to("elsewhere", "http://else.example.com/", "maxAttempts: 2\n"));
    store.publish(elsewhere);

    await().atMost(WAIT).until(() -> published("ghost").isEmpty());
    assertThat(store.load(elsewhere.namespace())).extracting(ResolvedRoute::name).containsExactly("elsewhere");
  }

  private static ResolvedRoute inNamespace(String namespace, ResolvedRoute r) {
    return new ResolvedRoute(namespace, r.name(), r.generation(), r.spec(), r.policyName(), r.policyGeneration(),
        r.policySpec());
  }

  private static NonNamespaceOperation<Route, KubernetesResourceList<Route>, Resource<Route>> routes() {
    return admin.resources(Route.class).inNamespace(ns);
  }

  private static NonNamespaceOperation<RetryPolicy, KubernetesResourceList<RetryPolicy>, Resource<RetryPolicy>>
      policies() {
    return admin.resources(RetryPolicy.class).inNamespace(ns);
  }

  private static Route route(String name) {
    return routes().withName(name).get();
  }

  private static RetryPolicy policy(String name) {
    return policies().withName(name).get();
  }

  private static int policyCount(String name) {
    RetryPolicy policy = policy(name);
    return policy == null || policy.getStatus() == null || policy.getStatus().getRoutes() == null ? -1
        : policy.getStatus().getRoutes();
  }

  private static Optional<ResolvedRoute> published(String name) {
    List<ResolvedRoute> routes = store.load(ns);
    return routes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  private static String policyGenerationInStore(String name) {
    List<String> values = journal.column(
        "SELECT policy_generation FROM rewind.routes WHERE namespace = $1 AND name = $2", ns, name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static String publishedAt(String name) {
    return journal.column("SELECT published_at FROM rewind.routes WHERE namespace = $1 AND name = $2", ns, name)
        .get(0);
  }
}

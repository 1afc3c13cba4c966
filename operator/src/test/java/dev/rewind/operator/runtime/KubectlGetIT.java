package dev.rewind.operator.runtime;

import static dev.rewind.operator.testing.Objects.newRoute;
import static dev.rewind.operator.testing.Statuses.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.RunningOperator;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user sees with kubectl once the operator has reconciled a few objects: the printer columns of the CRDs
 * filled in from the status the operator wrote. The output is kept in {@code target/it-output/kubectl-get.txt}
 * (the README shows it).
 */
@KubeApiTest
class KubectlGetIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void kubectlShowsReadinessAndRouteCounts(KubeTestBed kube) throws IOException {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    String ns = kube.newNamespace("shop");
    TestStore journal = TestStore.create();
    RunningOperator operator = RunningOperator.start(admin, RunningOperator.watching(ns, Duration.ofMinutes(5)),
        new RouteStore(journal.store, Duration.ofSeconds(5)));
    try (journal; operator) {
      createExample(admin, ns, "retrypolicies.yaml");
      var routes = admin.resources(Route.class).inNamespace(ns);
      routes.resource(newRoute("orders-to-service-b", "http://service-b." + ns + ".svc:8080/orders", "quick"))
          .create();
      routes.resource(newRoute("payments-to-psp", "https://psp.example.com/v2/payments", "patient")).create();
      routes.resource(newRoute("audit-to-metadata", "http://169.254.169.254/latest", "quick")).create();
      createExample(admin, ns, "replay-failed-orders.yaml");

      await().atMost(WAIT).until(() -> isReady(routes.withName("orders-to-service-b").get(), "True", "Published")
          && isReady(routes.withName("payments-to-psp").get(), "True", "Published")
          && isReady(routes.withName("audit-to-metadata").get(), "False", "DestinationBlocked"));
      var policies = admin.resources(RetryPolicy.class).inNamespace(ns);
      await().atMost(WAIT).until(() -> routeCount(policies.withName("quick").get()) == 2
          && routeCount(policies.withName("patient").get()) == 1);

      String output = kube.run("kubectl", kube.kubeconfig(), "get", "routes.rewind.dev,retrypolicies,replays",
          "-n", ns).assertSuccess().stdout();

      Path saved = Path.of(System.getProperty("it.output.dir", "target/it-output"), "kubectl-get.txt");
      Files.createDirectories(saved.getParent());
      Files.writeString(saved, output);
      List<String> lines = output.lines().toList();
      // Delivery health (HEALTHY to OLDEST) is the leader's reading of the journal, RouteHealthIT's subject.
      assertThat(lines).anyMatch(l -> l.matches(
          "NAME\\s+DESTINATION\\s+POLICY\\s+READY\\s+HEALTHY\\s+BACKLOG\\s+DEAD\\s+OLDEST\\s+AGE"));
      assertThat(lines).anyMatch(l -> l.matches(
          "route.rewind.dev/orders-to-service-b\\s+http://service-b\\S+\\s+quick\\s+True\\s+.*"));
      assertThat(lines).anyMatch(l -> l.matches("route.rewind.dev/audit-to-metadata\\s+\\S+\\s+quick\\s+False\\s+.*"));
      assertThat(lines).anyMatch(l -> l.matches("NAME\\s+ATTEMPTS\\s+BACKOFF\\s+TIMEOUT\\s+ROUTES\\s+READY\\s+AGE"));
      assertThat(lines).anyMatch(l -> l.matches(
          "retrypolicy.rewind.dev/quick\\s+3\\s+exponential\\s+500ms\\s+2\\s+True\\s+.*"));
      assertThat(lines).anyMatch(l -> l.matches(
          "retrypolicy.rewind.dev/patient\\s+6\\s+exponential\\s+5s\\s+1\\s+True\\s+.*"));
      assertThat(lines).anyMatch(l -> l.startsWith("replay.rewind.dev/failed-orders"));
      // The category lists every Rewind kind at once.
      assertThat(kube.run("kubectl", kube.kubeconfig(), "get", "rewind", "-n", ns, "-o", "name").assertSuccess()
          .stdout().lines()).containsExactlyInAnyOrder("route.rewind.dev/audit-to-metadata",
          "route.rewind.dev/orders-to-service-b", "route.rewind.dev/payments-to-psp",
          "retrypolicy.rewind.dev/patient", "retrypolicy.rewind.dev/quick", "replay.rewind.dev/failed-orders");
    } finally {
      kube.deleteNamespace(ns);
    }
  }

  private static int routeCount(RetryPolicy policy) {
    return policy == null || policy.getStatus() == null || policy.getStatus().getRoutes() == null ? -1
        : policy.getStatus().getRoutes();
  }

  private static void createExample(KubernetesClient admin, String ns, String file) throws IOException {
    Path path = Path.of(System.getProperty("it.examples.dir", "../examples/standalone"), file);
    try (InputStream yaml = Files.newInputStream(path)) {
      for (HasMetadata object : admin.load(yaml).items()) {
        object.getMetadata().setNamespace(ns);
        admin.resource(object).create();
      }
    }
  }
}

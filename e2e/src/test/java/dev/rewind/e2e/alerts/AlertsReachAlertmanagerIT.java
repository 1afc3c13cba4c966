package dev.rewind.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.e2e.testing.Crds;
import dev.rewind.e2e.testing.OperatorProcess;
import dev.rewind.journal.testing.TcpProxy;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Processes;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules working for real: a real Prometheus (built from Go modules) scrapes a real sidecar with
 * the rules the chart renders, and a real Alertmanager delivers the alert to a webhook receiver in this test. The
 * sidecar's destination fails, so its events die; then its store goes away, so it refuses captures with
 * {@code store-unavailable}, and RewindSidecarStoreUnavailable reaches the receiver with the route's labels; with
 * the store back, the alert resolves. A real operator, scraped as the chart's ServiceMonitor scrapes it, raises
 * nothing while it runs and RewindOperatorDown once it is gone.
 */
@KubeApiTest
class AlertsReachAlertmanagerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aSidecarThatCannotWriteToItsStoreRaisesTheChartsAlertAtTheReceiver(KubeTestBed kube) throws Exception {
    Path dir = PrometheusTools.freshDir("alertmanager");
    // The chart's rules, with a short scrape interval and window so that the test takes seconds, not minutes. No
    // operator runs here, so RewindOperatorDown is left out.
    PrometheusTools.renderRules(kube, dir, "--set", "monitoring.podMonitor.interval=1s",
        "--set", "monitoring.prometheusRule.storeUnavailable.window=10s",
        "--set", "monitoring.prometheusRule.operatorDown.enabled=false");

    List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    HttpServer receiver = receiver(notifications);
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    String database = EmbeddedPostgres.newDatabase();
    try (HttpSink destination = HttpSink.start().answer(r -> HttpSink.Answer.status(503));
        TcpProxy store = new TcpProxy(EmbeddedPostgres.port())) {
      Path routes = Files.createDirectories(dir.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: once}
          spec: {maxAttempts: 1}
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders}
          spec:
            destination: {url: "%s"}
            retryPolicyRef: {name: once}
          """.formatted(destination.url("/orders")));
      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
              "rewind.config-dir", routes.toString(),
              "rewind.store.url", "postgresql://postgres@127.0.0.1:" + store.port() + "/" + database,
              "rewind.pod", "orders-7c9d5-x2x9k"), dir.resolve("sidecar.log")).start(Duration.ofSeconds(60));
          ToolProcess alertmanager = startAlertmanager(dir, receiver.getAddress().getPort());
          // Labelled as the chart's PodMonitor labels a sidecar: the pod's namespace, pod and container.
          ToolProcess prometheus = startPrometheus(dir, alertmanager.port, """
                - job_name: rewind-system/rewind-sidecars
                  metrics_path: /q/metrics
                  static_configs:
                    - targets: ['127.0.0.1:%d']
                      labels: {namespace: shop, pod: orders-7c9d5-x2x9k, container: rewind-sidecar}
              """.formatted(sidecar.managementPort))) {
        // The destination refuses everything and the policy allows one attempt: the events die.
        for (int i = 0; i < 3; i++) {
          assertThat(capture(sidecar)).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> value(prometheus,
            "sum(rewind_events_dead_total{namespace=\"shop\",route=\"orders\"})") >= 3);
        // Dead events are RewindEventsDead's, from the operator's gauge; the store is fine, so nothing fires here.
        assertThat(value(prometheus, "count(ALERTS{alertstate=\"firing\"})")).isZero();
        assertThat(notifications).isEmpty();

        store.cut();
        long cut = System.nanoTime();
        List<Integer> answers = new CopyOnWriteArrayList<>();
        traffic.scheduleWithFixedDelay(() -> answers.add(capture(sidecar)), 0, 500, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
            assertThat(alerts(notifications, "firing")).as("prometheus:%n%s", prometheus.output()).isNotEmpty());
        System.out.printf("RewindSidecarStoreUnavailable reached the webhook receiver %d ms after the store was cut"
            + " (scrape and evaluation every 1 s, Alertmanager group_wait 1 s)%n",
            (System.nanoTime() - cut) / 1_000_000);
        assertThat(answers).as("the sidecar refused captures while its store was gone").contains(503);
        JsonNode alert = alerts(notifications, "firing").get(0);
        assertThat(JSON.convertValue(alert.get("labels"), Map.class)).isEqualTo(Map.of(
            "alertname", "RewindSidecarStoreUnavailable", "namespace", "shop", "route", "orders",
            "severity", "critical"));
        assertThat(alert.at("/annotations/summary").asText())
            .isEqualTo("Sidecars of route shop/orders cannot write to the journal store");
        assertThat(alert.at("/annotations/recovery").asText())
            .isEqualTo("kubectl -n shop logs -l rewind.dev/injected=true -c rewind-sidecar --since=10s --prefix");

        traffic.shutdownNow();
        store.restore();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> !alerts(notifications, "resolved").isEmpty());
      }
    } finally {
      traffic.shutdownNow();
      receiver.stop(0);
    }
  }

  @Test
  void deadEventsRaiseRewindEventsDeadAndAStoppedOperatorRewindOperatorDownAtTheReceiver(KubeTestBed kube,
      KubernetesClient admin, @TestNamespace String ns) throws Exception {
    Path dir = PrometheusTools.freshDir("operator-down");
    // RewindEventsDead after 1 s instead of 1 min, RewindOperatorDown after 10 s instead of 5 min. A killed operator
    // also stops refreshing route health; RewindRouteHealthStale is held back while RewindOperatorDown holds, and is
    // not this test's subject, so it is left out.
    PrometheusTools.renderRules(kube, dir, "--set", "monitoring.serviceMonitor.interval=5s",
        "--set", "monitoring.prometheusRule.eventsDead.for=1s",
        "--set", "monitoring.prometheusRule.operatorDown.for=10s",
        "--set", "monitoring.prometheusRule.healthStale.enabled=false");
    Crds.install(admin);

    List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    HttpServer receiver = receiver(notifications);
    int operatorPort = Processes.freePort();
    try (TestStore store = TestStore.create();
        OperatorProcess operator = new OperatorProcess(Map.of(
            "rewind.store.url", store.url(),
            "rewind.operator.namespaces", ns,
            "rewind.leader-election.lease-namespace", ns,
            "rewind.injector.enabled", "false",
            "rewind.health.interval", "1s",
            "quarkus.http.port", Integer.toString(operatorPort)),
            kube.kubeconfig(), dir.resolve("operator.log")).start()) {
      // Prometheus starts once the operator serves its metrics: an operator still starting is an operator down.
      await("the operator's /q/metrics").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> status(URI.create("http://127.0.0.1:" + operatorPort + "/q/metrics"), null) == 200);
      try (ToolProcess alertmanager = startAlertmanager(dir, receiver.getAddress().getPort());
          // The job and namespace labels the chart's ServiceMonitor gives the operator's targets.
          ToolProcess prometheus = startPrometheus(dir, alertmanager.port, """
                - job_name: rewind-operator-metrics
                  metrics_path: /q/metrics
                  honor_labels: true
                  # The operator's JVM and Quarkus metrics take longer than a second to serve on a busy machine.
                  scrape_interval: 5s
                  scrape_timeout: 5s
                  static_configs:
                    - targets: ['127.0.0.1:%d']
                      labels: {namespace: rewind-system}
              """.formatted(operatorPort))) {
        operatorUpThenDown(operator, prometheus, notifications, () -> JournalSeed.in(store).namespace(ns)
            .route("orders", "http://orders.example/").state(EventState.DEAD, "503", 3).append(4), ns);
      }
    } finally {
      receiver.stop(0);
    }
  }

  /**
   * The operator scraped and up, nothing dead: nothing fires. Events die on a route: RewindEventsDead reaches the
   * receiver, from the operator's gauge. Killed: RewindOperatorDown reaches the receiver.
   */
  private static void operatorUpThenDown(OperatorProcess operator, ToolProcess prometheus,
      List<JsonNode> notifications, Runnable eventsDie, String ns) throws Exception {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(value(prometheus, "up{job=\"rewind-operator-metrics\"}"))
            .as("targets: %s", prometheus.get("/api/v1/targets")).isEqualTo(1));
    // Up while Prometheus evaluated the rules over twice RewindOperatorDown's for: nothing fires.
    Instant upSince = Instant.now();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> lastEvaluation(prometheus, "rewind.operator").isAfter(upSince.plusSeconds(20)));
    assertThat(value(prometheus, "count(ALERTS)")).isZero();
    assertThat(notifications).isEmpty();

    eventsDie.run();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(firing(notifications, "RewindEventsDead")).as("alerts in prometheus: %s",
            prometheus.get("/api/v1/alerts")).isNotEmpty());
    JsonNode dead = firing(notifications, "RewindEventsDead").get(0);
    assertThat(JSON.convertValue(dead.get("labels"), Map.class)).isEqualTo(Map.of(
        "alertname", "RewindEventsDead", "namespace", ns, "route", "orders", "severity", "critical"));
    assertThat(dead.at("/annotations/summary").asText()).isEqualTo("4 events dead on route " + ns + "/orders");
    assertThat(dead.at("/annotations/recovery").asText()).contains("\"routeRef\":{\"name\":\"orders\"}",
        "kubectl -n " + ns + " create -f -");

    operator.kill();
    long killed = System.nanoTime();

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(firing(notifications, "RewindOperatorDown")).as("operator alive: %s; up: %s; alerts in"
            + " prometheus: %s", operator.alive(), prometheus.get("/api/v1/query?query=up"),
            prometheus.get("/api/v1/alerts")).isNotEmpty());
    System.out.printf("RewindOperatorDown reached the webhook receiver %d ms after the operator was killed%n",
        (System.nanoTime() - killed) / 1_000_000);
    JsonNode alert = firing(notifications, "RewindOperatorDown").get(0);
    assertThat(JSON.convertValue(alert.get("labels"), Map.class)).isEqualTo(Map.of(
        "alertname", "RewindOperatorDown", "namespace", "rewind-system", "severity", "critical"));
    assertThat(alert.at("/annotations/recovery").asText()).isEqualTo("kubectl -n rewind-system get pods"
        + " -l app.kubernetes.io/instance=rewind,app.kubernetes.io/component=operator -o wide");
  }

  /** When Prometheus last evaluated the rule group {@code group}. */
  private static Instant lastEvaluation(ToolProcess prometheus, String group) throws IOException {
    for (JsonNode g : JSON.readTree(prometheus.get("/api/v1/rules")).at("/data/groups")) {
      if (group.equals(g.get("name").asText())) {
        return Instant.parse(g.get("lastEvaluation").asText());
      }
    }
    return Instant.EPOCH;
  }

  private static List<JsonNode> firing(List<JsonNode> notifications, String alertname) {
    return alerts(notifications, "firing").stream()
        .filter(a -> alertname.equals(a.at("/labels/alertname").asText())).toList();
  }

  /** A webhook receiver on loopback: Alertmanager's notifications, as JSON, in the order they came. */
  private static HttpServer receiver(List<JsonNode> notifications) throws IOException {
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/alerts", exchange -> {
      try (exchange) {
        notifications.add(JSON.readTree(exchange.getRequestBody()));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    receiver.start();
    return receiver;
  }

  private static ToolProcess startAlertmanager(Path dir, int receiverPort) throws IOException {
    int port = Processes.freePort();
    Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: test
          group_by: [alertname, namespace, route]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: test
            webhook_configs:
              - url: http://127.0.0.1:%d/alerts
                send_resolved: true
        """.formatted(receiverPort));
    Path storage = Files.createDirectories(dir.resolve("alertmanager-data"));
    // An empty cluster address: no gossip port, a single Alertmanager.
    return ToolProcess.start("alertmanager", dir, port, "--config.file=" + config,
        "--storage.path=" + storage, "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=");
  }

  /** Prometheus with the rules of {@code dir/rules.yaml}, scraping and evaluating every second. */
  private static ToolProcess startPrometheus(Path dir, int alertmanagerPort, String scrapeConfigs)
      throws IOException {
    int port = Processes.freePort();
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [rules.yaml]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:%d']
        scrape_configs:
        """.formatted(alertmanagerPort) + scrapeConfigs);
    Path storage = Files.createDirectories(dir.resolve("prometheus-data"));
    return ToolProcess.start("prometheus", dir, port, "--config.file=" + config,
        "--storage.tsdb.path=" + storage, "--web.listen-address=127.0.0.1:" + port);
  }

  private static int capture(SidecarProcess sidecar) {
    return status(URI.create("http://127.0.0.1:" + sidecar.capturePort + "/v1/routes/orders"), "{\"order\":1}");
  }

  /** The status of a POST of {@code body}, or of a GET without one; -1 when nothing answers. */
  private static int status(URI uri, String body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
      return HTTP.send(body == null ? request.build() : request.POST(HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The value of an instant query; 0 when it returns nothing. */
  private static double value(ToolProcess prometheus, String query) throws IOException {
    JsonNode answer = JSON.readTree(prometheus.get("/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8)));
    JsonNode result = answer.at("/data/result");
    return result.isEmpty() ? 0 : result.get(0).at("/value/1").asDouble();
  }

  /** The alerts of the webhook notifications received so far whose status is {@code status}. */
  private static List<JsonNode> alerts(List<JsonNode> notifications, String status) {
    return notifications.stream().flatMap(n -> StreamSupport.stream(n.get("alerts").spliterator(), false))
        .filter(a -> status.equals(a.get("status").asText())).toList();
  }
}

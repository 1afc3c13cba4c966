package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.console.ConsoleResponse;
import dev.rewind.console.testing.Browser;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplaySelection;
import dev.rewind.journal.replay.ReplayStore;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.Uuids;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.io.IOException;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real headless Chromium, opened through {@code kubectl proxy} with each user's own
 * credentials, behind the test bed's real kube-apiserver (the aggregation layer proxies the console's paths to the
 * query API server) over a real journal. The seed story: a route delivers, billing goes down for ten minutes (every
 * event fails twice and goes dead), comes back, and a replay re-delivers one of the dead events.
 */
@KubeApiTest
class ConsoleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/apis/query.rewind.dev/v1alpha1";
  private static final String ROUTE = "orders-to-billing";
  private static final int OUTAGE_START = 10;
  private static final int OUTAGE_MINUTES = 10;
  private static final String SCRIPT = "<script>window.__x=1</script>";
  private static final String IMG = "\"><img src=x onerror=\"window.__y=1\">";
  private static final String HOSTILE_ID = "<script>window.__z=1</script>\"><img src=x onerror=window.__w=1>";
  /** HTTP/1.1: an h2c upgrade offer would make kube-apiserver's proxy treat the request as a protocol upgrade. */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private static KubeTestBed kube;
  private static TestStore journal;
  private static RegisteredQueryApi served;
  private static String shop;
  private static String billing;
  private static KubeUser viewer;
  private static KubeUser editor;
  private static KubeUser consoleOnly;
  private static KubectlProxy viewerProxy;
  private static KubectlProxy editorProxy;
  private static KubectlProxy consoleOnlyProxy;
  private static KubectlProxy adminProxy;
  private static Browser browser;
  /** The first minute of the story; the outage is minutes OUTAGE_START to OUTAGE_START + OUTAGE_MINUTES - 1. */
  private static Instant base;
  private static UUID replayed;
  private static UUID hostile;
  private static UUID billed;
  private static final List<UUID> deadIds = new ArrayList<>();

  @BeforeAll
  static void start(KubeTestBed testBed, @TestNamespace String namespace) throws Exception {
    kube = testBed;
    Crds.installed(kube.adminClient());
    shop = namespace;
    billing = kube.newNamespace("billing");
    journal = TestStore.create();
    base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(40));
    seedStory();
    seedFlow();
    seedBilling();
    seedHostile();

    served = RegisteredQueryApi.start(kube, shop, journal.store.pool());

    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    // The chart's roles (charts/rewind/templates/query-rbac.yaml), aggregated into view and edit.
    clusterRole("rewind-console-view-" + suffix, List.of("events", "orders", "console"), List.of("get", "list"));
    clusterRole("rewind-console-edit-" + suffix, List.of("events/body"), List.of("get"));
    clusterRole("rewind-console-pages-" + suffix, List.of("console"), List.of("get", "list"));
    viewer = kube.restrictedUser("console-viewer-" + suffix);
    editor = kube.restrictedUser("console-editor-" + suffix);
    consoleOnly = kube.restrictedUser("console-pages-" + suffix);
    bind(shop, "rewind-console-view-" + suffix, viewer.name());
    bind(shop, "rewind-console-view-" + suffix, editor.name());
    bind(shop, "rewind-console-edit-" + suffix, editor.name());
    // Reads shop's events, and may open console pages of every namespace: the console itself must refuse billing.
    bind(shop, "rewind-console-view-" + suffix, consoleOnly.name());
    kube.adminClient().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
        .withName("rewind-console-pages-" + suffix).endMetadata().withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("rewind-console-pages-" + suffix)
        .endRoleRef().addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io")
        .withName(consoleOnly.name()).endSubject().build()).createOr(existing -> existing.update());
    awaitAllowed(viewer, shop, "console");
    awaitAllowed(editor, shop, "console");
    awaitAllowed(consoleOnly, billing, "console");

    viewerProxy = KubectlProxy.start(kube, viewer.kubeconfig());
    editorProxy = KubectlProxy.start(kube, editor.kubeconfig());
    consoleOnlyProxy = KubectlProxy.start(kube, consoleOnly.kubeconfig());
    adminProxy = KubectlProxy.start(kube, kube.kubeconfig());
    browser = Browser.start(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {browser, viewerProxy, editorProxy, consoleOnlyProxy, adminProxy,
        served}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot stop " + c, e);
        }
      }
    }
    if (journal != null) {
      journal.close();
    }
    if (kube != null && billing != null) {
      kube.deleteNamespace(billing);
    }
  }

  // --- the seed story ---------------------------------------------------------------------------------------------

  @Test
  void theRoutesPageCountsWhatTheApiListsAndPlotsTheOutage() throws IOException {
    browser.open(page(viewerProxy, shop, "routes"));
    WebElement row = browser.await(By.cssSelector("#routes tr[data-route='" + ROUTE + "']"));
    browser.screenshot("routes");
    long apiDead = apiCount(viewer, "status.state=dead");
    long apiFailed = apiCount(viewer, "status.state=failed");
    assertThat(apiDead).isEqualTo(deadIds.size());
    assertThat(row.findElement(By.cssSelector("td.dead")).getText()).isEqualTo(Long.toString(apiDead));
    assertThat(row.findElement(By.cssSelector("td.failed")).getText()).isEqualTo(Long.toString(apiFailed));
    assertThat(row.getText()).contains("False").contains("EventsDead");

    WebElement plot = browser.await(By.id("minute-plot"));
    Instant start = Instant.parse(plot.getAttribute("data-start"));
    long[] failed = values("series-failed");
    long[] dead = values("series-dead");
    long[] delivered = values("series-delivered");
    int first = (int) Duration.between(start, base).toMinutes() + OUTAGE_START;
    for (int i = 0; i < failed.length; i++) {
      boolean outage = i >= first && i < first + OUTAGE_MINUTES;
      assertThat(failed[i] > 0).as("failed attempts in minute %d (outage minutes %d..%d)", i, first,
          first + OUTAGE_MINUTES - 1).isEqualTo(outage);
      assertThat(dead[i] > 0).as("dead in minute %d", i).isEqualTo(outage);
    }
    assertThat(failed[first]).isEqualTo(4);
    assertThat(Arrays.stream(dead).sum()).isEqualTo(apiDead);
    assertThat(delivered[first - 1]).isEqualTo(1);
    assertThat(delivered[first]).isZero();
  }

  @Test
  void theEventsPageListsWhatTheApiListsWithTheSameFilter() throws IOException {
    browser.open(page(viewerProxy, shop, "events?route=" + ROUTE + "&state=dead"));
    browser.await(By.id("events"));
    browser.screenshot("events-dead");
    List<String> shown = browser.driver().findElements(By.cssSelector("#events tbody tr")).stream()
        .map(r -> r.getAttribute("data-id")).toList();
    assertThat(shown).containsExactlyElementsOf(apiNames(viewer, "status.state=dead,spec.route=" + ROUTE));
    assertThat(shown).hasSize(deadIds.size());

    // Every link is relative, so it works under kubectl proxy's prefix: follow one to the trace.
    browser.driver().findElement(By.cssSelector("#events tbody tr a")).click();
    assertThat(browser.await(By.id("attempts")).findElements(By.tagName("li"))).hasSize(2);
    assertThat(browser.driver().getCurrentUrl()).startsWith(viewerProxy.url(PATH + "/namespaces/" + shop
        + "/console/trace?id="));
  }

  @Test
  void theTracePageShowsTheAttemptsInOrderWithTheReplay() {
    browser.open(page(viewerProxy, shop, "trace?id=" + replayed));
    List<WebElement> attempts = browser.await(By.id("attempts")).findElements(By.tagName("li"));
    browser.screenshot("trace");
    assertThat(attempts).extracting(a -> a.getAttribute("data-number")).containsExactly("1", "2", "3");
    assertThat(attempts).extracting(a -> a.findElement(By.className("trigger")).getText())
        .containsExactly("initial", "retry", "replay");
    assertThat(attempts.get(0).findElement(By.className("outcome")).getText()).isEqualTo("503 (503)");
    assertThat(attempts.get(0).findElement(By.className("error")).getText()).isEqualTo("HTTP 503");
    assertThat(attempts.get(0).findElement(By.className("duration")).getText()).isEqualTo("12.5 ms");
    assertThat(attempts.get(2).findElement(By.className("replay")).getText()).isEqualTo("billing-outage");
    assertThat(attempts.get(2).findElement(By.className("outcome")).getText()).isEqualTo("200 (delivered)");
    // A viewer does not read bodies (the API's events/body is for edit).
    assertThat(browser.driver().findElements(By.id("body"))).isEmpty();
    assertThat(browser.await(By.id("body-hidden")).getText()).contains("events/body");
  }

  @Test
  void theFlowPageShowsTheOrdersEventsAndTheReplaysPageItsProgress() {
    browser.open(page(viewerProxy, shop, "flow?correlationId=ORD-" + OUTAGE_START + "-0"));
    WebElement story = browser.await(By.id("story"));
    browser.screenshot("flow");
    assertThat(story.findElements(By.cssSelector("tbody tr"))).hasSize(1);
    assertThat(story.getText()).contains(replayed.toString()).contains("delivered");

    browser.open(page(viewerProxy, shop, "replays"));
    WebElement row = browser.await(By.cssSelector("#replays tr[data-replay='billing-outage']"));
    browser.screenshot("replays");
    assertThat(row.findElement(By.className("phase")).getText()).isEqualTo("Running");
    assertThat(row.findElement(By.className("matched")).getText()).isEqualTo(Integer.toString(deadIds.size() + 1));
    assertThat(row.findElement(By.className("delivered")).getText()).isEqualTo("1");
    assertThat(row.findElement(By.tagName("progress")).getAttribute("value")).isEqualTo("1");
  }

  @Test
  void theRecoverPanelsDryRunAppliedWithKubectlMatchesTheDeadEvents() throws Exception {
    String since = base.plus(Duration.ofMinutes(OUTAGE_START)).toString();
    String until = base.plus(Duration.ofMinutes(OUTAGE_START + OUTAGE_MINUTES)).toString();
    browser.open(page(viewerProxy, shop, "events?route=" + ROUTE + "&state=dead&since=" + since + "&until="
        + until));
    browser.await(By.id("events"));
    String yaml = browser.await(By.id("recover-dry-run")).getText();
    browser.screenshot("recover");
    assertThat(yaml).contains("dryRun: true").contains("name: \"" + ROUTE + "\"");
    int shown = browser.driver().findElements(By.cssSelector("#events tbody tr")).size();

    Path file = Files.createTempFile("console-replay", ".yaml");
    Files.writeString(file, yaml);
    ToolResult applied = kube.run("kubectl", kube.kubeconfig(), "apply", "-f", file.toString());
    Files.delete(file);
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    Replay replay = kube.adminClient().resources(Replay.class).inNamespace(shop)
        .withName(ROUTE + "-replay-preview").get();
    assertThat(replay.getSpec().getDryRun()).isTrue();

    // The journal's dry run of the Replay as kube-apiserver stored it (the reconciler's own first step).
    ReplayStore replays = new ReplayStore(journal.store.pool());
    UUID uid = UUID.fromString(replay.getMetadata().getUid());
    replays.register(uid, shop, replay.getMetadata().getName(), replay.getSpec()).await().atMost(Duration.ofSeconds(10));
    Instant now = Instant.now();
    ReplayRecord preview = replays.fix(uid, ReplaySelection.of(shop, replay.getSpec(), now), 10_000, true, null, now)
        .await().atMost(Duration.ofSeconds(10));
    assertThat(preview.phase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(preview.matched()).isEqualTo(shown).isEqualTo(deadIds.size())
        .isEqualTo(apiCount(viewer, "status.state=dead,spec.route=" + ROUTE));
  }

  @Test
  void anOrderAlongAFlowMarksTheHopWhereItStoppedAndNamesNoHopOfAnotherNamespace() throws Exception {
    Path file = Files.createTempFile("console-flow", ".yaml");
    Files.writeString(file, """
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: order-flow, namespace: %s}
        spec:
          hops:
            - routeRef: {name: erp-to-a}
            - routeRef: {name: a-to-b}
            - routeRef: {name: b-to-partner, namespace: %s}
          within: 5m
        """.formatted(shop, billing));
    ToolResult applied = kube.run("kubectl", kube.kubeconfig(), "apply", "-f", file.toString());
    Files.delete(file);
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();

    browser.open(page(viewerProxy, shop, "flow?correlationId=ORD-F2&flow=order-flow"));
    WebElement hops = browser.await(By.id("hops"));
    browser.screenshot("flow-broken");
    WebElement first = hops.findElement(By.cssSelector("li[data-hop='0']"));
    assertThat(first.getAttribute("class")).isEqualTo("stopped");
    assertThat(first.getText()).contains("erp-to-a").contains("stopped here");
    assertThat(hops.findElement(By.cssSelector("li[data-hop='1']")).getText()).isEqualTo("a-to-b: 0 events");
    assertThat(hops.findElement(By.cssSelector("li[data-hop='2']")).getText())
        .isEqualTo("hop in another namespace: not read here");
    assertThat(browser.driver().getPageSource()).doesNotContain("b-to-partner").doesNotContain(billing);

    assertThat(browser.await(By.id("verdict")).getText()).isEqualTo("broken after hop 0: hop 1 never saw it");

    // ORD-F1 passed both hops read here; whether billing's hop saw it is not known in shop.
    browser.open(page(viewerProxy, shop, "flow?correlationId=ORD-F1&flow=order-flow"));
    assertThat(browser.await(By.id("verdict")).getText())
        .isEqualTo("delivered by hop 1; the next hop is in another namespace, not read here");
    assertThat(browser.driver().findElements(By.cssSelector("#hops li.stopped"))).isEmpty();
  }

  // --- RBAC -------------------------------------------------------------------------------------------------------

  @Test
  void aViewerOfShopSeesNoTraceOfBilling() throws Exception {
    for (String p : List.of("routes", "events", "trace?id=" + billed, "flow?correlationId=BILL-SECRET", "replays")) {
      HttpResponse<String> there = get(viewerProxy, PATH + "/namespaces/" + billing + "/console/" + p);
      assertThat(there.statusCode()).as(p).isEqualTo(403);
      assertNoBilling(there.body());
      // Asked through shop, billing's event and order are not found: the pages read shop only.
      HttpResponse<String> here = get(viewerProxy, PATH + "/namespaces/" + shop + "/console/" + p);
      assertThat(here.statusCode()).as(p).isEqualTo(p.startsWith("trace") ? 404 : 200);
      // The flow page echoes the correlation id typed into its search field, and nothing of billing's.
      assertNoBilling(here.body().replace("value=\"BILL-SECRET\"", ""));
    }
    assertThat(get(viewerProxy, PATH + "/namespaces/" + shop + "/console/trace?id=" + billed).statusCode())
        .isEqualTo(404);
    browser.open(page(viewerProxy, shop, "routes"));
    browser.await(By.id("routes"));
    assertNoBilling(browser.driver().getPageSource());
    for (WebElement a : browser.driver().findElements(By.tagName("a"))) {
      assertThat(a.getAttribute("href")).startsWith(viewerProxy.url(PATH + "/namespaces/" + shop + "/console/"));
    }
  }

  @Test
  void theConsoleRefusesANamespaceWhoseEventsTheUserMayNotListEvenWhenKubernetesLetsThePageThrough()
      throws Exception {
    HttpResponse<String> refused = get(consoleOnlyProxy, PATH + "/namespaces/" + billing + "/console/routes");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertNoBilling(refused.body());
    assertThat(refused.body()).contains("You may not list the journaled events of namespace " + billing);
    browser.open(page(consoleOnlyProxy, billing, "events"));
    assertThat(browser.await(By.id("error")).getText()).contains("may not list");
    browser.screenshot("forbidden");
    assertThat(get(consoleOnlyProxy, PATH + "/namespaces/" + shop + "/console/routes").statusCode())
        .isEqualTo(200);
  }

  @Test
  void pagesAreReadOnlyAndCarryTheSecurityHeadersThroughTheAggregator() throws Exception {
    HttpResponse<String> ok = get(viewerProxy, PATH + "/namespaces/" + shop + "/console/routes");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleResponse.CONTENT_SECURITY_POLICY);
    assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    // The bare path sends the browser inside (a page, since the aggregator refuses redirects) and links work.
    browser.open(viewerProxy.url(PATH + "/namespaces/" + shop + "/console"));
    browser.await(By.id("routes"));
    browser.driver().findElement(By.linkText("events")).click();
    assertThat(browser.await(By.id("events")).isDisplayed()).isTrue();
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(page(viewerProxy, shop, "events"));
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(
        adminProxy.url(PATH + "/namespaces/" + shop + "/console/routes")))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).contains("the console only reads");
  }

  // --- escaping ---------------------------------------------------------------------------------------------------

  @Test
  void hostileBodiesHeadersCorrelationIdsAndQueryStringsAreShownAsText() {
    browser.open(page(editorProxy, shop, "trace?id=" + hostile));
    assertThat(browser.await(By.id("body")).getText()).isEqualTo(SCRIPT);
    assertThat(browser.await(By.id("headers")).getText()).contains("X-Evil " + IMG);
    assertThat(browser.await(By.id("correlation-id")).getText()).isEqualTo(HOSTILE_ID);
    browser.screenshot("escaping-trace");
    assertNothingRan();

    browser.open(page(editorProxy, shop, "events?correlationId=" + encode(HOSTILE_ID)));
    assertThat(browser.await(By.cssSelector("#events td.cid")).getText()).isEqualTo(HOSTILE_ID);
    assertThat(browser.await(By.name("correlationId")).getAttribute("value")).isEqualTo(HOSTILE_ID);
    assertThat(browser.await(By.id("recover-dry-run")).getText()).contains("window.__z=1");
    assertNothingRan();

    browser.open(page(editorProxy, shop, "flow?correlationId=" + encode(HOSTILE_ID)));
    assertThat(browser.await(By.name("correlationId")).getAttribute("value")).isEqualTo(HOSTILE_ID);
    assertNothingRan();

    browser.open(page(editorProxy, shop, "events?route=" + encode(IMG) + "&since=" + encode(SCRIPT)));
    assertThat(browser.await(By.id("error")).getText()).contains("since must be");
    browser.open(page(editorProxy, shop, "events?route=" + encode(IMG)));
    assertThat(browser.await(By.name("route")).getAttribute("value")).isEqualTo(IMG);
    browser.screenshot("escaping-query");
    assertNothingRan();
  }

  private static void assertNothingRan() {
    assertThat(browser.script("return [window.__x, window.__y, window.__z, window.__w]"))
        .isEqualTo(Arrays.asList(null, null, null, null));
    assertThat(browser.driver().findElements(By.tagName("img"))).isEmpty();
    assertThat(browser.driver().findElements(By.tagName("script"))).isEmpty();
  }

  // --- seeding ----------------------------------------------------------------------------------------------------

  /**
   * Minutes 0-9 and 20-30 deliver one event each; in the outage (minutes 10-19) two events a minute fail twice
   * (503, 503) and go dead; five minutes ago the replay billing-outage re-delivered minute 10's first event.
   */
  private static void seedStory() {
    for (int m = 0; m <= 30; m++) {
      Instant minute = base.plus(Duration.ofMinutes(m));
      boolean outage = m >= OUTAGE_START && m < OUTAGE_START + OUTAGE_MINUTES;
      if (!outage) {
        UUID id = append(event(shop, ROUTE, "ORD-" + m, minute.plusSeconds(1), List.of(), "{}"));
        attempt(id, 1, "initial", 200, "delivered", minute.plusSeconds(2), null);
        finish(id, "delivered", 1, "delivered", minute.plusSeconds(2));
        continue;
      }
      for (int k = 0; k < 2; k++) {
        UUID id = append(event(shop, ROUTE, "ORD-" + m + "-" + k, minute.plusSeconds(1 + k), List.of(), "{}"));
        attempt(id, 1, "initial", 503, "503", minute.plusSeconds(2 + k), null);
        attempt(id, 2, "retry", 503, "503", minute.plusSeconds(30 + k), null);
        if (m == OUTAGE_START && k == 0) {
          replayed = id;
          Instant at = Instant.now().minus(Duration.ofMinutes(5));
          attempt(id, 3, "replay", 200, "delivered", at, "billing-outage");
          finish(id, "delivered", 3, "delivered", at);
        } else {
          finish(id, "dead", 2, "503", minute.plusSeconds(30 + k));
          deadIds.add(id);
        }
      }
    }
    ReplayStore replays = new ReplayStore(journal.store.pool());
    UUID id = UUID.randomUUID();
    var spec = new dev.rewind.api.v1alpha1.replay.ReplaySpec();
    spec.setRouteRef(new dev.rewind.api.v1alpha1.common.LocalObjectReference(ROUTE));
    replays.register(id, shop, "billing-outage", spec).await().atMost(Duration.ofSeconds(10));
    journal.column("UPDATE rewind.replays SET phase = 'Running', matched = $2, delivered = 1,"
        + " started_at = now() - interval '6 minutes' WHERE id = $1 RETURNING name", id, deadIds.size() + 1L);
  }

  /** Along the Flow erp-to-a → a-to-b (→ billing's b-to-partner): ORD-F1 passed both, ORD-F2 stopped after A. */
  private static void seedFlow() {
    Instant twentyAgo = Instant.now().minus(Duration.ofMinutes(20));
    for (String[] e : new String[][] {{"erp-to-a", "ORD-F1"}, {"a-to-b", "ORD-F1"}, {"erp-to-a", "ORD-F2"}}) {
      Instant at = twentyAgo.plusSeconds(e[0].equals("a-to-b") ? 30 : 0);
      UUID id = append(event(shop, e[0], e[1], at, List.of(), "{}"));
      attempt(id, 1, "initial", 200, "delivered", at.plusSeconds(1), null);
      finish(id, "delivered", 1, "delivered", at.plusSeconds(1));
    }
  }

  private static void seedBilling() {
    billed = append(event(billing, "billing-secret-route", "BILL-SECRET", Instant.now().minusSeconds(60),
        List.of(), "{\"card\":\"BILLING-SECRET-BODY\"}"));
    attempt(billed, 1, "initial", 500, "500", Instant.now().minusSeconds(59), null);
    finish(billed, "dead", 1, "500", Instant.now().minusSeconds(59));
  }

  private static void seedHostile() {
    hostile = append(event(shop, "hostile-route", HOSTILE_ID, Instant.now().minusSeconds(30),
        List.of(new Header("X-Evil", IMG)), SCRIPT));
  }

  private static void assertNoBilling(String body) {
    assertThat(body).doesNotContain("billing-secret-route").doesNotContain("BILL-SECRET")
        .doesNotContain("BILLING-SECRET-BODY").doesNotContain(billed.toString());
  }

  private static NewEvent event(String namespace, String route, String correlationId, Instant at,
      List<Header> headers, String body) {
    List<Header> all = new ArrayList<>(List.of(new Header("Content-Type", "application/json")));
    all.addAll(headers);
    return new NewEvent(Uuids.v7(at), namespace, route, 1, "src-" + UUID.randomUUID(), null, correlationId,
        "order.created", "erp", "erp-7d9f4-x2x8q", "POST", "http://billing.billing.svc:8080/orders", "", all,
        body.getBytes(StandardCharsets.UTF_8), at);
  }

  private static UUID append(NewEvent event) {
    journal.events.append(List.of(event), List.of(false), "console-it", Duration.ofMinutes(1)).await()
        .atMost(Duration.ofSeconds(30));
    return event.id();
  }

  private static void attempt(UUID event, int number, String trigger, int code, String outcome, Instant at,
      String replayName) {
    journal.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, replay_name, worker,"
        + " destination, started_at, duration_ms, status_code, error_class, error, outcome)"
        + " SELECT $1, (SELECT namespace FROM rewind.events WHERE id = $1), $2, $3, $7, 'erp-7d9f4-x2x8q',"
        + " 'http://billing.billing.svc:8080/orders', $6, 12.5, $4,"
        + " CASE WHEN $4 >= 400 THEN 'http' END, CASE WHEN $4 >= 400 THEN 'HTTP ' || $4 END, $5 RETURNING number",
        event, number, trigger, code, outcome, at.atOffset(java.time.ZoneOffset.UTC), replayName);
  }

  private static void finish(UUID event, String state, int attempts, String lastOutcome, Instant at) {
    journal.column("UPDATE rewind.events SET state = $2, attempts = $3, last_outcome = $4, completed_at = $5,"
        + " next_attempt_at = NULL, last_attempt_at = $5 WHERE id = $1 RETURNING id", event, state, attempts,
        lastOutcome, at.atOffset(java.time.ZoneOffset.UTC));
  }

  // --- RBAC and calls ---------------------------------------------------------------------------------------------

  private static void clusterRole(String name, List<String> resources, List<String> verbs) {
    kube.adminClient().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(name)
        .endMetadata().addNewRule().withApiGroups("query.rewind.dev").withResources(resources).withVerbs(verbs)
        .endRule().build()).createOr(existing -> existing.update());
  }

  private static void bind(String namespace, String clusterRole, String user) {
    kube.adminClient().rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName(clusterRole + "-" + user).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole)
        .endRoleRef()
        .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(user).endSubject()
        .build()).create();
  }

  private static void awaitAllowed(KubeUser user, String namespace, String resource) {
    await().atMost(Duration.ofSeconds(10)).until(() -> user.client().authorization().v1().selfSubjectAccessReview()
        .create(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
            .withGroup("query.rewind.dev").withResource(resource).withVerb("get").withNamespace(namespace)
            .endResourceAttributes().endSpec().build())
        .getStatus().getAllowed());
  }

  private static String page(KubectlProxy proxy, String namespace, String page) {
    return proxy.url(PATH + "/namespaces/" + namespace + "/console/" + page);
  }

  private static HttpResponse<String> get(KubectlProxy proxy, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long[] values(String id) {
    return Arrays.stream(browser.await(By.id(id)).getAttribute("data-values").split(","))
        .mapToLong(Long::parseLong).toArray();
  }

  private static List<String> apiNames(KubeUser user, String selector) throws IOException {
    ToolResult result = kube.run("kubectl", user.kubeconfig(), "get", "events.query.rewind.dev", "-n", shop,
        "-o", "json", "--field-selector", selector);
    JsonNode list = JSON.readTree(result.assertSuccess().stdout());
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names;
  }

  private static long apiCount(KubeUser user, String selector) throws IOException {
    return apiNames(user, selector).size();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.Uuids;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.IssuedCertificate;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query API behind the real kube-apiserver of the test bed, over a real journal: kubectl lists, filters, pages
 * and reads events through the aggregation layer, RBAC decides who reads which namespace (and who reads bodies),
 * and bad input comes back as a Status naming the parameter. {@code query.rewind.dev} is registered once for the
 * class (APIServices are cluster-wide) and removed after it.
 */
@KubeApiTest
class QueryApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/apis/query.rewind.dev/v1alpha1";
  private static final String EVENTS = "events.query.rewind.dev";
  private static final int BULK = 10_000;

  private static KubeTestBed kube;
  private static KubernetesClient admin;
  private static TestStore journal;
  private static RegisteredQueryApi served;
  private static String shop;
  private static String billing;
  private static String bulk;
  private static KubeUser viewer;
  private static KubeUser editor;
  private static KubeUser stranger;
  private static UUID delivered;
  private static UUID dead;
  private static UUID pending;
  private static UUID billed;
  private static final Set<UUID> bulkIds = new HashSet<>();

  @BeforeAll
  static void start(KubeTestBed testBed, @TestNamespace String namespace) throws Exception {
    kube = testBed;
    admin = kube.adminClient();
    Crds.installed(admin);
    shop = namespace;
    billing = kube.newNamespace("billing");
    bulk = kube.newNamespace("bulk");
    journal = TestStore.create();
    journalOrders();
    journalBulk();
    served = RegisteredQueryApi.start(kube, shop, journal.store.pool());

    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    // As the chart's roles aggregated into view and edit: bodies only for edit.
    clusterRole("rewind-query-view-" + suffix, false);
    clusterRole("rewind-query-edit-" + suffix, true);
    viewer = kube.restrictedUser("query-viewer-" + suffix, "query-viewers-" + suffix);
    editor = kube.restrictedUser("query-editor-" + suffix);
    stranger = kube.restrictedUser("query-stranger-" + suffix);
    bind(shop, "rewind-query-view-" + suffix, viewer.name());
    bind(shop, "rewind-query-edit-" + suffix, editor.name());
    awaitAllowed(viewer, shop, "list", null);
    awaitAllowed(editor, shop, "get", "body");
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
    if (journal != null) {
      journal.close();
    }
    if (kube != null) {
      kube.deleteNamespace(billing);
      kube.deleteNamespace(bulk);
    }
  }

  @Test
  void kubectlGetPrintsTheJournaledEventsAsATable() throws IOException {
    String table = kubectl(viewer, "get", EVENTS, "-n", shop).assertSuccess().stdout();
    String wide = kubectl(viewer, "get", EVENTS, "-n", shop, "-o", "wide").assertSuccess().stdout();

    Path saved = Path.of(System.getProperty("it.output.dir", "target/it-output"), "kubectl-get-journalevents.txt");
    Files.createDirectories(saved.getParent());
    Files.writeString(saved, "$ kubectl get events.query.rewind.dev -n shop\n" + table
        + "\n$ kubectl get events.query.rewind.dev -n shop -o wide\n" + wide);
    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("NAME\\s+ROUTE\\s+STATE\\s+ATTEMPTS\\s+LAST OUTCOME\\s+CORRELATION ID\\s+AGE");
    assertThat(lines.get(1)).matches(delivered + "\\s+orders-to-billing\\s+delivered\\s+1\\s+delivered\\s+ORD-1\\s+\\d+s");
    assertThat(lines.get(2)).matches(dead + "\\s+orders-to-billing\\s+dead\\s+2\\s+503\\s+ORD-2\\s+\\d+s");
    assertThat(lines.get(3)).matches(pending + "\\s+orders-to-billing\\s+pending\\s+0\\s+<none>\\s+ORD-3\\s+\\d+s");
    assertThat(wide.lines().findFirst().orElseThrow()).matches(
        "NAME\\s+ROUTE\\s+STATE\\s+ATTEMPTS\\s+LAST OUTCOME\\s+CORRELATION ID\\s+AGE\\s+TYPE\\s+SENDER");
    assertThat(wide).containsPattern(dead + ".*order\\.created\\s+erp/erp-7d9f4-x2x8q");
    // One event by name, as a table too.
    assertThat(kubectl(viewer, "get", EVENTS, dead.toString(), "-n", shop).assertSuccess().stdout())
        .containsPattern(dead + "\\s+orders-to-billing\\s+dead\\s+2\\s+503\\s+ORD-2");
  }

  @Test
  void fieldSelectorsFilterTheJsonListing() throws IOException {
    assertThat(names(listJson("status.state=dead"))).containsExactly(dead.toString());
    assertThat(names(listJson("spec.correlationId==ORD-1,spec.route=orders-to-billing")))
        .containsExactly(delivered.toString());
    assertThat(names(listJson("status.lastOutcome=503"))).containsExactly(dead.toString());
    assertThat(names(listJson("spec.sender.workload=erp"))).containsExactly(delivered.toString(), dead.toString(),
        pending.toString());
    assertThat(names(listJson("spec.type=refund.issued"))).isEmpty();
    assertThat(names(listJson("metadata.name=" + pending))).containsExactly(pending.toString());

    JsonNode item = listJson("status.state=dead").path("items").path(0);
    assertThat(item.path("apiVersion").asText()).isEqualTo("query.rewind.dev/v1alpha1");
    assertThat(item.path("kind").asText()).isEqualTo("JournalEvent");
    assertThat(item.path("metadata").path("namespace").asText()).isEqualTo(shop);
    assertThat(item.path("metadata").path("uid").asText()).isEqualTo(dead.toString());
    assertThat(item.path("spec").path("sender").path("workload").asText()).isEqualTo("erp");
    assertThat(item.path("spec").path("sourceId").asText()).isEqualTo("src-ORD-2");
    assertThat(item.path("status").path("state").asText()).isEqualTo("dead");
    assertThat(item.path("status").path("lastStatusCode").asInt()).isEqualTo(503);
    assertThat(item.path("status").has("attemptLog")).isFalse();
    assertThat(item.path("status").has("nextAttemptAt")).isFalse();

    // since and until, as timestamps or durations back from now.
    String since = URLEncoder.encode(Instant.now().minus(Duration.ofHours(1)).toString(), StandardCharsets.UTF_8);
    assertThat(names(raw(viewer, PATH + "/namespaces/" + shop + "/events?since=" + since)))
        .hasSize(3);
    assertThat(names(raw(viewer, PATH + "/namespaces/" + shop + "/events?until=2h"))).isEmpty();
  }

  @Test
  void oneEventCarriesItsAttemptLog() throws IOException {
    JsonNode event = JSON.readTree(kubectl(viewer, "get", EVENTS, dead.toString(), "-n", shop, "-o", "json")
        .assertSuccess().stdout());
    JsonNode log = event.path("status").path("attemptLog");
    assertThat(log).hasSize(2);
    assertThat(log.path(0).path("number").asInt()).isEqualTo(1);
    assertThat(log.path(0).path("trigger").asText()).isEqualTo("initial");
    assertThat(log.path(1).path("trigger").asText()).isEqualTo("retry");
    assertThat(log.path(1).path("statusCode").asInt()).isEqualTo(503);
    assertThat(log.path(1).path("outcome").asText()).isEqualTo("503");
    assertThat(log.path(1).path("destination").asText()).isEqualTo("http://billing.billing.svc:8080/orders");
    assertThat(log.path(1).path("durationMs").asDouble()).isEqualTo(12.5);
    assertThat(event.path("status").path("completedAt").asText()).isNotEmpty();

    ToolResult missing = kubectl(viewer, "get", EVENTS, UUID.randomUUID().toString(), "-n", shop);
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("NotFound").contains("not found");
  }

  @Test
  void rbacDecidesWhichNamespaceAUserReads() throws Exception {
    // kube-apiserver refuses before proxying: viewer has no binding in billing, stranger none anywhere.
    ToolResult otherNamespace = kubectl(viewer, "get", EVENTS, "-n", billing);
    assertThat(otherNamespace.exitCode()).isNotZero();
    assertThat(otherNamespace.stderr()).contains("Forbidden").contains(billing);
    ToolResult noRights = kubectl(stranger, "get", EVENTS, "-n", shop);
    assertThat(noRights.exitCode()).isNotZero();
    assertThat(noRights.stderr()).contains("Forbidden");
    assertThat(noRights.stdout()).doesNotContain(dead.toString());

    // The server's own SubjectAccessReview: a request straight from the front proxy for a user RBAC refuses.
    String direct = direct(PATH + "/namespaces/" + shop + "/events", stranger.name());
    assertThat(direct).startsWith("HTTP/1.1 403");
    assertThat(direct).contains("\"reason\":\"Forbidden\"").contains(stranger.name()).doesNotContain(
        dead.toString());
    assertThat(direct(PATH + "/namespaces/" + shop + "/events", viewer.name(), "query-viewers"))
        .startsWith("HTTP/1.1 200").contains(dead.toString());
    // Without the front proxy's certificate the headers are not believed.
    assertThat(directWith(null, PATH + "/namespaces/" + shop + "/events", viewer.name())).doesNotStartWith(
        "HTTP/1.1 200");
  }

  @Test
  void bodiesAreForEditorsOnly() throws IOException {
    String body = PATH + "/namespaces/" + shop + "/events/" + dead + "/body";
    ToolResult refused = kubectl(viewer, "get", "--raw", body);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("Forbidden");

    JsonNode read = JSON.readTree(kubectl(editor, "get", "--raw", body).assertSuccess().stdout());
    assertThat(read.path("kind").asText()).isEqualTo("JournalEventBody");
    assertThat(read.path("request").path("body").asText()).isEqualTo("{\"order\":\"ORD-2\",\"amount\":42}");
    assertThat(read.path("request").has("encoding")).isFalse();
    assertThat(read.path("request").path("headers").path(0).path("name").asText()).isEqualTo("Content-Type");
    assertThat(read.path("responses")).hasSize(2);
    assertThat(read.path("responses").path(1).path("statusCode").asInt()).isEqualTo(503);
    assertThat(read.path("responses").path(1).path("body").asText()).isEqualTo("billing is down");
  }

  @Test
  void pagingReturnsEveryEventExactlyOnce() throws IOException {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String url = PATH + "/namespaces/" + bulk + "/events?limit=1000"
          + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      JsonNode page = JSON.readTree(kube.run("kubectl", kube.kubeconfig(), "get", "--raw", url).assertSuccess()
          .stdout());
      pages++;
      // Every page is full; the last one (no more events) carries no continue.
      assertThat(page.path("items").size()).isEqualTo(1000);
      page.path("items").forEach(i -> seen.add(i.path("metadata").path("name").asText()));
      token = page.path("metadata").path("continue").asText(null);
    } while (token != null && pages < 20);

    assertThat(pages).isEqualTo(BULK / 1000);
    assertThat(seen).hasSize(BULK).doesNotHaveDuplicates();
    assertThat(seen.stream().map(UUID::fromString).toList()).containsExactlyInAnyOrderElementsOf(bulkIds);
    // kubectl pages the same way (--chunk-size), and prints every one.
    assertThat(kube.run("kubectl", kube.kubeconfig(), "get", EVENTS, "-n", bulk, "--chunk-size=1000",
        "--no-headers").assertSuccess().stdout().lines().count()).isEqualTo(BULK);
  }

  @Test
  void badInputIsAStatusNamingTheParameter() throws IOException {
    String list = PATH + "/namespaces/" + shop + "/events";
    assertThat(refused(list + "?fieldSelector=spec.nope%3Dx")).contains("BadRequest").contains("fieldSelector")
        .contains("spec.nope");
    assertThat(refused(list + "?fieldSelector=spec.route!%3Dx")).contains("fieldSelector").contains("!=");
    assertThat(refused(list + "?fieldSelector=spec.route")).contains("fieldSelector");
    assertThat(refused(list + "?fieldSelector=status.state%3Dlost")).contains("status.state").contains("lost");
    assertThat(refused(list + "?continue=not-a-token")).contains("continue");
    assertThat(refused(list + "?limit=100000")).contains("limit").contains("1000");
    assertThat(refused(list + "?limit=0")).contains("limit");
    assertThat(refused(list + "?colour=blue")).contains("unknown query parameter \"colour\"");
    assertThat(refused(list + "?labelSelector=app%3Dx")).contains("labelSelector");
    assertThat(refused(list + "?since=yesterday")).contains("since");
    assertThat(refused(list + "?watch=true")).contains("MethodNotAllowed").contains("watch");
    // A continue token of one listing is refused for another.
    JsonNode first = JSON.readTree(kubectl(viewer, "get", "--raw", list + "?limit=1").assertSuccess().stdout());
    String token = URLEncoder.encode(first.path("metadata").path("continue").asText(), StandardCharsets.UTF_8);
    assertThat(names(raw(viewer, list + "?limit=1&continue=" + token))).containsExactly(dead.toString());
    assertThat(refused(list + "?limit=1&continue=" + token + "&fieldSelector=status.state%3Ddead"))
        .contains("continue").contains("other filters");
    // And through kubectl get, the same message.
    ToolResult selector = kubectl(viewer, "get", EVENTS, "-n", shop, "--field-selector", "spec.nope=x");
    assertThat(selector.exitCode()).isNotZero();
    assertThat(selector.stderr()).contains("spec.nope");
  }

  @Test
  void anOrderAlongAFlowShowsOnlyTheHopsTheUserMayRead() throws IOException {
    admin.resources(Flow.class).inNamespace(shop).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: order-to-payment}
        spec:
          hops:
            - routeRef: {name: orders-to-billing}
            - routeRef: {name: billing-to-psp, namespace: %s}
          within: 5m
        """.formatted(billing), Flow.class)).createOr(existing -> existing.update());
    String order = PATH + "/namespaces/" + shop + "/orders/ORD-1";

    JsonNode plain = raw(viewer, order);
    assertThat(plain.path("kind").asText()).isEqualTo("Order");
    assertThat(plain.path("events")).hasSize(1);
    assertThat(plain.path("events").path(0).path("status").path("attemptLog")).hasSize(1);

    JsonNode asViewer = raw(viewer, order + "?flow=order-to-payment");
    assertThat(asViewer.path("hops").path(0).path("readable").asBoolean()).isTrue();
    assertThat(asViewer.path("hops").path(0).path("events").asInt()).isEqualTo(1);
    assertThat(asViewer.path("hops").path(1).path("readable").asBoolean()).isFalse();
    assertThat(asViewer.path("hops").path(1).has("events")).isFalse();
    assertThat(asViewer.path("events")).hasSize(1);
    assertThat(asViewer.toString()).doesNotContain(billed.toString());

    JsonNode asAdmin = JSON.readTree(kube.run("kubectl", kube.kubeconfig(), "get", "--raw",
        order + "?flow=order-to-payment").assertSuccess().stdout());
    assertThat(asAdmin.path("hops").path(1).path("readable").asBoolean()).isTrue();
    assertThat(asAdmin.path("hops").path(1).path("state").asText()).isEqualTo("delivered");
    assertThat(asAdmin.path("events")).hasSize(2);
    assertThat(asAdmin.path("events").path(1).path("metadata").path("name").asText()).isEqualTo(billed.toString());
    assertThat(asAdmin.path("progress").path("state").asText()).isEqualTo("COMPLETE");
    assertThat(asAdmin.path("progress").path("hop").asInt()).isEqualTo(1);

    assertThat(refused(PATH + "/namespaces/" + shop + "/orders/ORD-404")).contains("NotFound");
    assertThat(refused(order + "?flow=no-such-flow")).contains("no-such-flow");
  }

  // --- the journal ---------------------------------------------------------------------------------------------

  @Test
  void anEventThatWaitsSaysWhatHoldsIt() throws IOException {
    journal.column("INSERT INTO rewind.breakers (namespace, destination, state, hold_reason) VALUES"
        + " ($1, 'http://billing.billing.svc:8080', 'closed', 'no ready endpoints for Service billing/billing')"
        + " RETURNING destination", shop);
    try {
      JsonNode hold = JSON.readTree(kubectl(viewer, "get", EVENTS, pending.toString(), "-n", shop, "-o", "json")
          .assertSuccess().stdout()).path("status").path("hold");
      assertThat(hold.path("kind").asText()).isEqualTo("held");
      assertThat(hold.path("destination").asText()).isEqualTo("http://billing.billing.svc:8080");
      assertThat(hold.path("reason").asText()).isEqualTo("no ready endpoints for Service billing/billing");
      assertThat(hold.path("message").asText()).isEqualTo("destination http://billing.billing.svc:8080 held: no"
          + " ready endpoints for Service billing/billing; goes out once the hold is lifted");
      // The dead event on the same destination waits for a replay, not for the hold.
      assertThat(JSON.readTree(kubectl(viewer, "get", EVENTS, dead.toString(), "-n", shop, "-o", "json")
          .assertSuccess().stdout()).path("status").has("hold")).isFalse();
    } finally {
      journal.column("DELETE FROM rewind.breakers WHERE destination = 'http://billing.billing.svc:8080'"
          + " RETURNING destination");
    }
  }

  private static void journalOrders() {
    Instant now = Instant.now();
    delivered = append(event(shop, "orders-to-billing", "ORD-1", now.minusSeconds(30)));
    dead = append(event(shop, "orders-to-billing", "ORD-2", now.minusSeconds(20)));
    pending = append(event(shop, "orders-to-billing", "ORD-3", now.minusSeconds(10)));
    billed = append(event(billing, "billing-to-psp", "ORD-1", now.minusSeconds(5)));
    attempt(delivered, 1, "initial", 200, "delivered", "ok");
    finish(delivered, "delivered", 1, "delivered");
    attempt(dead, 1, "initial", 503, "503", "billing is down");
    attempt(dead, 2, "retry", 503, "503", "billing is down");
    finish(dead, "dead", 2, "503");
    attempt(billed, 1, "initial", 201, "delivered", "");
    finish(billed, "delivered", 1, "delivered");
  }

  private static void journalBulk() {
    Instant start = Instant.now().minusSeconds(600);
    for (int batch = 0; batch < BULK / 1000; batch++) {
      List<NewEvent> events = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        NewEvent e = event(bulk, "bulk-route", "B-" + batch + "-" + i, start.plusMillis(batch * 1000L + i));
        events.add(e);
        bulkIds.add(e.id());
      }
      journal.events.append(events, events.stream().map(e -> false).toList(), "query-it", Duration.ofMinutes(1))
          .await().atMost(Duration.ofSeconds(60));
    }
  }

  private static NewEvent event(String namespace, String route, String correlationId, Instant at) {
    String body = "{\"order\":\"" + correlationId + "\",\"amount\":42}";
    return new NewEvent(Uuids.v7(at), namespace, route, 1, "src-" + correlationId, null, correlationId,
        "order.created", "erp", "erp-7d9f4-x2x8q", "POST", "http://billing.billing.svc:8080/orders", "",
        List.of(new Header("Content-Type", "application/json"), new Header("X-Order-Id", correlationId)),
        body.getBytes(StandardCharsets.UTF_8), at);
  }

  private static UUID append(NewEvent event) {
    journal.events.append(List.of(event), List.of(false), "query-it", Duration.ofMinutes(1)).await()
        .atMost(Duration.ofSeconds(30));
    return event.id();
  }

  private static void attempt(UUID event, int number, String trigger, int code, String outcome, String answer) {
    journal.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
        + " started_at, duration_ms, status_code, error_class, error, outcome, response_headers, response_body)"
        + " SELECT $1, (SELECT namespace FROM rewind.events WHERE id = $1), $2, $3, 'erp-7d9f4-x2x8q',"
        + " 'http://billing.billing.svc:8080/orders', now(), 12.5, $4,"
        + " CASE WHEN $4 >= 400 THEN 'http' END, CASE WHEN $4 >= 400 THEN 'HTTP ' || $4 END, $5,"
        + " '[[\"Content-Type\",\"text/plain\"]]', convert_to($6, 'UTF8') RETURNING number",
        event, number, trigger, code, outcome, answer);
  }

  private static void finish(UUID event, String state, int attempts, String lastOutcome) {
    journal.column("UPDATE rewind.events SET state = $2, attempts = $3, last_outcome = $4, completed_at = now(),"
        + " next_attempt_at = NULL, last_attempt_at = now() WHERE id = $1 RETURNING id", event, state, attempts,
        lastOutcome);
  }

  // --- RBAC ------------------------------------------------------------------------------------------------------

  private static void clusterRole(String name, boolean bodies) {
    ClusterRoleBuilder role = new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
        .addNewRule().withApiGroups("query.rewind.dev").withResources("events", "orders").withVerbs("get", "list")
        .endRule();
    if (bodies) {
      role.addNewRule().withApiGroups("query.rewind.dev").withResources("events/body").withVerbs("get").endRule();
    }
    admin.rbac().clusterRoles().resource(role.build()).createOr(existing -> existing.update());
  }

  private static void bind(String namespace, String clusterRole, String user) {
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName(clusterRole).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole)
        .endRoleRef()
        .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(user).endSubject()
        .build()).create();
  }

  private static void awaitAllowed(KubeUser user, String namespace, String verb, String subresource) {
    await().atMost(Duration.ofSeconds(10)).until(() -> user.client().authorization().v1().selfSubjectAccessReview()
        .create(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
            .withGroup("query.rewind.dev").withResource("events").withSubresource(subresource).withVerb(verb)
            .withNamespace(namespace).endResourceAttributes().endSpec().build())
        .getStatus().getAllowed());
  }

  // --- kubectl and direct calls ----------------------------------------------------------------------------------

  private static ToolResult kubectl(KubeUser user, String... args) {
    return kube.run("kubectl", user.kubeconfig(), args);
  }

  private static JsonNode raw(KubeUser user, String path) throws IOException {
    return JSON.readTree(kubectl(user, "get", "--raw", path).assertSuccess().stdout());
  }

  private static JsonNode listJson(String selector) throws IOException {
    return JSON.readTree(kubectl(viewer, "get", EVENTS, "-n", shop, "-o", "json", "--field-selector", selector)
        .assertSuccess().stdout());
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names;
  }

  /** kubectl get --raw of a path the server refuses: its error output. */
  private static String refused(String path) {
    ToolResult result = kube.run("kubectl", kube.kubeconfig(), "get", "--raw", path);
    assertThat(result.exitCode()).as(result.stdout()).isNotZero();
    return result.stderr();
  }

  private static String direct(String path, String user, String... groups) throws Exception {
    return directWith(kube.frontProxyClientCertificate(), path, user, groups);
  }

  /** A GET straight to the server (not through kube-apiserver) with that client certificate: the whole answer. */
  private static String directWith(IssuedCertificate client, String path, String user, String... groups)
      throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    KeyManagerFactory keys = null;
    if (client != null) {
      char[] password = "unused".toCharArray();
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(client.keyStore(password), password);
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    int n = 0;
    for (var ca : CertificateFactory.getInstance("X.509").generateCertificates(
        new ByteArrayInputStream(served.query().caBundlePem().getBytes(StandardCharsets.US_ASCII)))) {
      trusted.setCertificateEntry("ca-" + n++, ca);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(served.api().hostAddress(), served.query().port())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + served.api().serviceHost()
          + "\r\nX-Remote-User: " + user + "\r\n");
      for (String group : groups) {
        request.append("X-Remote-Group: ").append(group).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return answer.isEmpty() ? "closed without an answer" : answer;
    } catch (IOException e) {
      return "failed: " + e;
    }
  }
}

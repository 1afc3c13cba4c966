package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/orders/<correlation id>} of a standalone sidecar of namespace shop, over a real journal: one order's
 * events of this namespace in time order with their attempts, marked with their hops of a Flow of the config
 * directory, and where the order stands as far as this namespace's hops show. Events of other namespaces with the
 * same correlation id are never answered, though the store holds them.
 */
@QuarkusTest
@TestProfile(OrderStoryIT.Shop.class)
class OrderStoryIT {

  /**
   * This test's sidecar only: StandaloneCaptureIT's resource is global to the module's Quarkus tests, and its
   * namespace, store and config directory are not this test's.
   */
  public static class Shop implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ShopSidecar.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
      return true;
    }
  }

  /** A sidecar of namespace shop whose config directory holds two Flows, over a journal seeded before it starts. */
  public static class ShopSidecar implements QuarkusTestResourceLifecycleManager {

    static TestStore store;
    /** Each seeded event's Rewind id, by {@code namespace/route/order}. */
    static final Map<String, String> IDS = new HashMap<>();

    @Override
    public Map<String, String> start() {
      store = TestStore.create();
      // ORD-1 went through every hop, the last one in namespace fulfilment.
      seed("shop", "erp-to-a", "ORD-1", EventState.DELIVERED, "delivered", 1, 30 * 60, 30 * 60);
      seed("shop", "audit", "ORD-1", EventState.DELIVERED, "delivered", 1, 29 * 60 + 30, 29 * 60 + 30);
      seed("shop", "a-to-b", "ORD-1", EventState.DELIVERED, "delivered", 2, 29 * 60, 29 * 60);
      seed("fulfilment", "b-to-partner", "ORD-1", EventState.DELIVERED, "delivered", 1, 28 * 60, 28 * 60);
      // Another namespace with a route of the same name and the same correlation id: never this sidecar's to show.
      seed("other", "erp-to-a", "ORD-1", EventState.DELIVERED, "delivered", 1, 31 * 60, 31 * 60);
      // ORD-2: A gave up on B after three attempts.
      seed("shop", "erp-to-a", "ORD-2", EventState.DELIVERED, "delivered", 1, 12 * 60, 12 * 60);
      seed("shop", "a-to-b", "ORD-2", EventState.DEAD, "503", 3, 11 * 60, 10 * 60);
      try {
        Path dir = Files.createTempDirectory("rewind-flows");
        Files.writeString(dir.resolve("shop.yaml"), """
            apiVersion: rewind.dev/v1alpha1
            kind: Route
            metadata: {name: erp-to-a}
            spec:
              destination: {url: "http://127.0.0.1:9/a"}
            ---
            apiVersion: rewind.dev/v1alpha1
            kind: Route
            metadata: {name: a-to-b}
            spec:
              destination: {url: "http://127.0.0.1:9/b"}
            ---
            apiVersion: rewind.dev/v1alpha1
            kind: Flow
            metadata: {name: order-fulfilment}
            spec:
              hops:
                - routeRef: {name: erp-to-a}
                - routeRef: {name: a-to-b}
                - routeRef: {name: b-to-partner, namespace: fulfilment}
              within: 5m
            ---
            apiVersion: rewind.dev/v1alpha1
            kind: Flow
            metadata: {name: in-house}
            spec:
              hops: [{routeRef: {name: erp-to-a}}, {routeRef: {name: a-to-b}}]
            ---
            apiVersion: rewind.dev/v1alpha1
            kind: Flow
            metadata: {name: elsewhere, namespace: other}
            spec:
              hops: [{routeRef: {name: erp-to-a}}, {routeRef: {name: a-to-b}}]
            """);
        return Map.of(
            "rewind.namespace", "shop",
            "rewind.store.url", store.url(),
            "rewind.config-dir", dir.toString(),
            "rewind.capture.port", "0",
            "rewind.proxy.port", "0",
            "rewind.pod", "order-story-test");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void seed(String namespace, String route, String order, EventState state, String outcome,
        int attempts, long secondsAgo, long completedSecondsAgo) {
      String id = JournalSeed.in(store).namespace(namespace).route(route, "http://127.0.0.1:9/" + route)
          .state(state, outcome, attempts).age(Duration.ofSeconds(secondsAgo))
          .completedAgo(Duration.ofSeconds(completedSecondsAgo)).correlation(i -> order).append(1).get(0).toString();
      IDS.put(namespace + "/" + route + "/" + order, id);
    }

    @Override
    public void stop() {
      store.close();
    }
  }

  private static String id(String key) {
    return ShopSidecar.IDS.get(key);
  }

  @Test
  void alongAFlowTheOrdersEventsHereAreMarkedWithTheirHopsAndTheHopsElsewhereAreUnread() {
    JsonPath story = given().queryParam("flow", "order-fulfilment").get("/v1/orders/ORD-1")
        .then().statusCode(200).contentType("application/json").extract().jsonPath();

    assertThat(story.getString("correlationId")).isEqualTo("ORD-1");
    assertThat(story.getString("namespace")).isEqualTo("shop");
    // In time order, this namespace's only: not fulfilment's last hop, not other's event of the same route name.
    assertThat(story.getList("events.id", String.class)).containsExactly(id("shop/erp-to-a/ORD-1"),
        id("shop/audit/ORD-1"), id("shop/a-to-b/ORD-1"));
    assertThat(story.getList("events.namespace", String.class)).containsOnly("shop");
    assertThat(story.getList("events.route", String.class)).containsExactly("erp-to-a", "audit", "a-to-b");
    // The audit route is no hop of the flow: told, unmarked.
    assertThat(story.getList("events.hop")).containsExactly(0, null, 1);
    assertThat(story.getString("flow.name")).isEqualTo("order-fulfilment");
    assertThat(story.getString("flow.within")).isEqualTo("5m");
    assertThat(story.getList("flow.hops.route", String.class)).containsExactly("erp-to-a", "a-to-b", "b-to-partner");
    assertThat(story.getList("flow.hops.read", Boolean.class)).containsExactly(true, true, false);
    assertThat(story.getList("flow.hops.events")).containsExactly(1, 1, null);
    assertThat(story.getList("unreadHops")).containsExactly(Map.of("hop", 2, "namespace", "fulfilment",
        "route", "b-to-partner"));
    // A delivered to B 29 minutes ago and B's hop is not readable here: broken as far as this namespace shows,
    // and said to be inconclusive, since fulfilment may well have captured it (it did).
    assertThat(story.getMap("progress")).containsEntry("state", "broken").containsEntry("hop", 1)
        .containsEntry("namespace", "shop").containsEntry("route", "a-to-b").containsEntry("conclusive", false);
    assertThat(Instant.parse(story.getString("progress.since")))
        .isEqualTo(Instant.parse(story.getString("events[2].completedAt")));
    assertThat(story.getBoolean("truncated")).isFalse();
  }

  @Test
  void aFlowWhollyInThisNamespaceGivesAConclusiveProgress() {
    given().queryParam("flow", "in-house").get("/v1/orders/ORD-1").then().statusCode(200)
        .body("flow.hops.read", equalTo(List.of(true, true)))
        .body("unreadHops", equalTo(List.of()))
        .body("progress.state", equalTo("complete"))
        .body("progress.hop", equalTo(1))
        .body("progress.conclusive", equalTo(true))
        .body("events.hop", equalTo(Arrays.asList(0, null, 1)));
  }

  @Test
  void eachEventCarriesItsAttemptsAsATraceShowsThem() {
    JsonPath story = given().queryParam("flow", "order-fulfilment").get("/v1/orders/ORD-2")
        .then().statusCode(200).extract().jsonPath();

    assertThat(story.getList("events.id", String.class)).containsExactly(id("shop/erp-to-a/ORD-2"),
        id("shop/a-to-b/ORD-2"));
    assertThat(story.getList("events.state", String.class)).containsExactly("delivered", "dead");
    assertThat(story.getList("events.attempts", Integer.class)).containsExactly(1, 3);
    assertThat(story.getString("events[1].lastOutcome")).isEqualTo("503");
    assertThat(story.getList("events[1].attemptLog.number", Integer.class)).containsExactly(1, 2, 3);
    assertThat(story.getList("events[1].attemptLog.trigger", String.class))
        .containsExactly("initial", "retry", "retry");
    assertThat(story.getList("events[1].attemptLog.outcome", String.class)).containsExactly("503", "503", "503");
    assertThat(story.getList("events[0].attemptLog.outcome", String.class)).containsExactly("delivered");
    // The same attempts as the trace endpoint gives.
    assertThat(story.getList("events[1].attemptLog")).isEqualTo(given().get("/v1/events/" + id("shop/a-to-b/ORD-2"))
        .then().statusCode(200).extract().jsonPath().getList("attemptLog"));
    assertThat(story.getMap("progress")).containsEntry("state", "failed").containsEntry("hop", 1)
        .containsEntry("conclusive", false);
  }

  @Test
  void withoutAFlowItIsThisNamespacesEventsOfTheOrderAndNoHop() {
    given().get("/v1/orders/ORD-1").then().statusCode(200)
        .body("events.id", equalTo(List.of(id("shop/erp-to-a/ORD-1"), id("shop/audit/ORD-1"),
            id("shop/a-to-b/ORD-1"))))
        .body("events[0]", not(hasKey("hop")))
        .body("$", not(hasKey("flow")))
        .body("$", not(hasKey("progress")))
        .body("$", not(hasKey("unreadHops")));
  }

  @Test
  void anOrderWithNoEventHereIsAnEmptyStory() {
    given().queryParam("flow", "order-fulfilment").get("/v1/orders/ORD-404").then().statusCode(200)
        .body("events", equalTo(List.of()))
        .body("$", not(hasKey("progress")))
        .body("unreadHops.hop", equalTo(List.of(2)));
  }

  @Test
  void aFlowThisSidecarDoesNotKnowIs404NamingTheParameter() {
    given().queryParam("flow", "payments").get("/v1/orders/ORD-1").then().statusCode(404)
        .body("field", equalTo("flow"))
        .body("error", containsString("no Flow \"payments\" of namespace shop"));
    // A Flow of another namespace in the same directory is not this sidecar's.
    given().queryParam("flow", "elsewhere").get("/v1/orders/ORD-1").then().statusCode(404)
        .body("field", equalTo("flow"));
  }

  @Test
  void aFlowParameterThatCannotBeAFlowsNameIs400NamingIt() {
    given().queryParam("flow", "Order_Fulfilment").get("/v1/orders/ORD-1").then().statusCode(400)
        .body("status", equalTo(400))
        .body("field", equalTo("flow"));
    given().queryParam("flow", "").get("/v1/orders/ORD-1").then().statusCode(400)
        .body("field", equalTo("flow"));
  }
}

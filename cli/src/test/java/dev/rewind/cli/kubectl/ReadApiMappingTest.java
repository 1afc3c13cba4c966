package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The read API's JSON, written here from its contract, into the views the commands print. */
class ReadApiMappingTest {

  static final String LIST = """
      {"apiVersion": "query.rewind.dev/v1alpha1", "kind": "JournalEventList",
       "metadata": {"continue": "eyJhZnRlciI6IjAxOTMifQ"},
       "items": [
        {"metadata": {"name": "0193a5c2-0000-7000-8000-000000000001", "namespace": "shop",
                      "creationTimestamp": "2026-11-27T10:00:00.123456Z"},
         "spec": {"route": "orders", "type": "order.created", "correlationId": "o-1", "sourceId": "evt-1",
                  "sender": {"workload": "checkout", "pod": "checkout-7d9f-abc"}, "method": "POST",
                  "url": "http://orders.shop.svc/orders"},
         "status": {"state": "dead", "attempts": 3, "lastOutcome": "503", "lastStatusCode": 503,
                    "completedAt": "2026-11-27T10:00:05Z"}},
        {"metadata": {"name": "0193a5c2-0000-7000-8000-000000000002", "namespace": "shop",
                      "creationTimestamp": "2026-11-27T11:00:00+01:00"},
         "spec": {"route": "orders", "sourceId": "0193a5c2-0000-7000-8000-000000000002"},
         "status": {"state": "pending", "attempts": 0}}
       ]}
      """;

  static final String EVENT = """
      {"apiVersion": "query.rewind.dev/v1alpha1", "kind": "JournalEvent",
       "metadata": {"name": "0193a5c2-0000-7000-8000-000000000001", "namespace": "shop",
                    "creationTimestamp": "2026-11-27T10:00:00Z"},
       "spec": {"route": "orders", "type": "order.created", "correlationId": "o-1", "sourceId": "evt-1",
                "sender": {"workload": "checkout", "pod": "checkout-7d9f-abc"}, "method": "POST",
                "url": "http://orders.shop.svc/orders"},
       "status": {"state": "delivered", "attempts": 2, "lastOutcome": "200", "lastStatusCode": 200,
                  "completedAt": "2026-11-27T12:00:01Z",
                  "attemptLog": [
                    {"number": 1, "trigger": "live", "outcome": "503", "statusCode": 503, "durationMs": 12.5,
                     "startedAt": "2026-11-27T10:00:00.200Z", "destination": "http://orders.shop.svc/orders",
                     "error": "Service Unavailable"},
                    {"number": 2, "trigger": "replay", "replay": "orders-outage", "outcome": "200",
                     "statusCode": 200, "durationMs": 3, "startedAt": "2026-11-27T12:00:01Z",
                     "destination": "http://orders.shop.svc/orders"}]}}
      """;

  static final String ORDER = """
      {"apiVersion": "query.rewind.dev/v1alpha1", "kind": "Order",
       "metadata": {"name": "o-1", "namespace": "shop"},
       "events": [
         {"metadata": {"name": "e-1", "namespace": "shop", "creationTimestamp": "2026-11-27T10:00:00Z"},
          "spec": {"route": "orders", "correlationId": "o-1"},
          "status": {"state": "delivered", "attempts": 1, "lastOutcome": "200",
                     "completedAt": "2026-11-27T10:00:00.050Z",
                     "attemptLog": [{"number": 1, "trigger": "live", "outcome": "200", "statusCode": 200,
                                     "durationMs": 4.2, "startedAt": "2026-11-27T10:00:00.010Z"}]}}],
       "hops": [
         {"index": 0, "namespace": "shop", "route": "orders", "events": 1, "state": "delivered", "readable": true},
         {"index": 1, "namespace": "billing", "route": "invoices", "events": 0, "state": "never captured",
          "readable": false}],
       "progress": {"state": "Broken", "hop": 0, "since": "2026-11-27T10:00:00.050Z"}}
      """;

  @Test
  void aListPageMapsEachEventAndTheContinueToken() {
    EventListView page = EventListView.of(Json.parse(LIST));

    assertThat(page.continueToken()).isEqualTo("eyJhZnRlciI6IjAxOTMifQ");
    assertThat(page.items()).hasSize(2);
    JournalEventView first = page.items().get(0);
    assertThat(first.id()).isEqualTo("0193a5c2-0000-7000-8000-000000000001");
    assertThat(first.namespace()).isEqualTo("shop");
    assertThat(first.received()).isEqualTo(Instant.parse("2026-11-27T10:00:00.123456Z"));
    assertThat(first.route()).isEqualTo("orders");
    assertThat(first.type()).isEqualTo("order.created");
    assertThat(first.correlationId()).isEqualTo("o-1");
    assertThat(first.sourceId()).isEqualTo("evt-1");
    assertThat(first.senderWorkload()).isEqualTo("checkout");
    assertThat(first.senderPod()).isEqualTo("checkout-7d9f-abc");
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.url()).isEqualTo("http://orders.shop.svc/orders");
    assertThat(first.state()).isEqualTo("dead");
    assertThat(first.attempts()).isEqualTo(3);
    assertThat(first.lastOutcome()).isEqualTo("503");
    assertThat(first.lastStatusCode()).isEqualTo(503);
    assertThat(first.completedAt()).isEqualTo(Instant.parse("2026-11-27T10:00:05Z"));
    assertThat(first.nextAttemptAt()).isNull();
    assertThat(first.attemptLog()).isEmpty();
    // An offset is converted, as every time is printed in UTC.
    assertThat(page.items().get(1).received()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(page.items().get(1).lastOutcome()).isNull();
  }

  @Test
  void theLastPageHasNoContinueToken() {
    assertThat(EventListView.of(Json.parse("{\"metadata\": {\"continue\": \"\"}, \"items\": []}"))
        .continueToken()).isNull();
    assertThat(EventListView.of(Json.parse("{\"metadata\": {}}")).items()).isEmpty();
  }

  @Test
  void theEventsTableIsTheOneRewindEventsPrints() {
    StringWriter text = new StringWriter();
    dev.rewind.cli.Output.events(new PrintWriter(text, true),
        EventListView.of(Json.parse(LIST)).items().stream().map(JournalEventView::row).toList());

    assertThat(text.toString().lines()).containsExactly(
        "ID                                    ROUTE   STATE    ATTEMPTS  LAST OUTCOME  RECEIVED"
            + "                  EVENT ID",
        "0193a5c2-0000-7000-8000-000000000001  orders  dead     3         503           2026-11-27T10:00:00.123Z"
            + "  evt-1",
        "0193a5c2-0000-7000-8000-000000000002  orders  pending  0         -             2026-11-27T10:00:00Z"
            + "      -");
  }

  @Test
  void aWaitingEventsTraceSaysWhatHoldsIt() {
    String message = "circuit breaker of http://partner:8443 open since 2026-11-27T10:00:05Z (opened on 503); not"
        + " attempted, no retry spent; goes out once a probe gets an answer";
    JournalEventView event = JournalEventView.of(Json.parse("""
        {"metadata": {"name": "e-9", "namespace": "shop", "creationTimestamp": "2026-11-27T10:00:00Z"},
         "spec": {"route": "orders"},
         "status": {"state": "failed", "attempts": 2, "lastOutcome": "503", "attemptLog": [],
                    "hold": {"kind": "open", "destination": "http://partner:8443", "message": "%s"}}}
        """.formatted(message)));
    StringWriter text = new StringWriter();
    KubeTraceCommand.print(new PrintWriter(text, true), event);
    assertThat(text.toString()).contains("  held          " + message);
    StringWriter plain = new StringWriter();
    KubeTraceCommand.print(new PrintWriter(plain, true), JournalEventView.of(Json.parse(EVENT)));
    assertThat(plain.toString()).doesNotContain("held");
  }

  @Test
  void oneEventCarriesItsAttemptLogAndTracesLikeRewindTrace() {
    JournalEventView event = JournalEventView.of(Json.parse(EVENT));

    assertThat(event.attemptLog()).containsExactly(
        new AttemptView(1, "live", null, "503", 503, 12.5, Instant.parse("2026-11-27T10:00:00.200Z"),
            "http://orders.shop.svc/orders", "Service Unavailable"),
        new AttemptView(2, "replay", "orders-outage", "200", 200, 3.0, Instant.parse("2026-11-27T12:00:01Z"),
            "http://orders.shop.svc/orders", null));
    StringWriter text = new StringWriter();
    KubeTraceCommand.print(new PrintWriter(text, true), event);
    assertThat(text.toString()).contains(
        "Event 0193a5c2-0000-7000-8000-000000000001 (source id evt-1)",
        "  route         orders",
        "  state         delivered after 2 attempts, last outcome 200",
        "  request       POST http://orders.shop.svc/orders",
        "  sender        checkout (checkout-7d9f-abc)",
        "  correlation   o-1, type order.created",
        "Attempts:",
        "  #  TRIGGER  REPLAY         OUTCOME  STATUS  DURATION  STARTED                   WORKER  DESTINATION",
        "  2  replay   orders-outage  200      200     3.0 ms    2026-11-27T12:00:01Z      -       http://orders");
  }

  @Test
  void anOrderMapsItsEventsHopsAndProgress() {
    OrderView order = OrderView.of(Json.parse(ORDER));

    assertThat(order.correlationId()).isEqualTo("o-1");
    assertThat(order.events()).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("e-1");
      assertThat(e.attemptLog()).singleElement().extracting(AttemptView::durationMs).isEqualTo(4.2);
    });
    assertThat(order.hops()).containsExactly(
        new OrderView.Hop(0, "shop", "orders", 1, "delivered", true),
        new OrderView.Hop(1, "billing", "invoices", 0, "never captured", false));
    assertThat(order.progress()).isEqualTo(new OrderView.Progress("broken", 0,
        Instant.parse("2026-11-27T10:00:00.050Z")));
    assertThat(order.progress().stopped()).isTrue();

    StringWriter text = new StringWriter();
    int exit = KubeFlowCommand.print(new PrintWriter(text, true), order, "o-1", "checkout", "shop");
    assertThat(exit).isEqualTo(1);
    assertThat(text.toString()).contains("Order o-1 in flow checkout (2 hops):",
        "  0    shop/orders       1       delivered",
        "  1    billing/invoices  ?", "not readable (no rights in billing)",
        "  => broken after hop 0: shop/orders delivered it at 2026-11-27T10:00:00.050Z and the next hop never"
            + " captured it (kubectl rewind replay --flow checkout sends it again).",
        "hop 0 shop/orders  event e-1  delivered after 1 attempt, last outcome 200");
  }

  @Test
  void anOrderWithoutFlowHasNoHopsNorProgress() {
    OrderView order = OrderView.of(Json.parse("""
        {"metadata": {"name": "o-2"}, "events": [], "hops": []}"""));

    assertThat(order.progress()).isNull();
    StringWriter text = new StringWriter();
    assertThat(KubeFlowCommand.print(new PrintWriter(text, true), order, "o-2", null, "shop")).isZero();
    assertThat(text.toString()).isEqualTo("No event with correlation id o-2 in shop." + System.lineSeparator());
  }

  @Test
  void thePathsCarryTheFiltersAsAFieldSelectorAndTheWindowAsParameters() {
    ReadApi.EventFilter filter = new ReadApi.EventFilter("orders", "dead", "o,1=2", "order.created", "5xx",
        "checkout", "2h", "2026-11-27T10:00:00Z");

    assertThat(ReadApi.eventsPath("shop", filter, 50, "tok/en")).isEqualTo(
        "/apis/query.rewind.dev/v1alpha1/namespaces/shop/events?limit=50&continue=tok%2Fen&fieldSelector="
            + "spec.route%3Dorders%2Cstatus.state%3Ddead%2Cspec.correlationId%3Do%5C%2C1%5C%3D2%2Cspec.type%3D"
            + "order.created%2Cstatus.lastOutcome%3D5xx%2Cspec.sender.workload%3Dcheckout&since=2h"
            + "&until=2026-11-27T10%3A00%3A00Z");
    assertThat(ReadApi.eventsPath("shop", ReadApi.EventFilter.none(), 10, null))
        .isEqualTo("/apis/query.rewind.dev/v1alpha1/namespaces/shop/events?limit=10");
    assertThat(ReadApi.eventPath("shop", "0193")).isEqualTo("/apis/query.rewind.dev/v1alpha1/namespaces/shop/events/0193");
    assertThat(ReadApi.orderPath("shop", "order 7/a", "checkout"))
        .isEqualTo("/apis/query.rewind.dev/v1alpha1/namespaces/shop/orders/order%207%2Fa?flow=checkout");
    assertThat(ReadApi.orderPath("shop", "o-1", null)).isEqualTo("/apis/query.rewind.dev/v1alpha1/namespaces/shop/orders/o-1");
  }
}

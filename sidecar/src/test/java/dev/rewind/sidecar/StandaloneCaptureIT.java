package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.sidecar.testing.StandaloneSidecarResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The standalone sidecar end to end: real HTTP in, real PostgreSQL, real HTTP destinations. */
@QuarkusTest
@QuarkusTestResource(StandaloneSidecarResource.class)
class StandaloneCaptureIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;

  @Inject
  Sidecar sidecar;

  @BeforeAll
  static void connect() {
    store = StandaloneSidecarResource.store();
  }

  @AfterAll
  static void disconnect() {
    store.close();
  }

  private String capture(String path) {
    return "http://127.0.0.1:" + sidecar.capturePort() + path;
  }

  private String stateOf(String id) {
    return store.column("SELECT state FROM rewind.events WHERE id = $1::uuid", id).get(0);
  }

  @Test
  void acknowledges202OnlyOnceTheEventIsCommitted() {
    StandaloneSidecarResource.sink.answer(r -> HttpSink.Answer.hang(Duration.ofSeconds(3)));
    Response response = given().header("Idempotency-Key", "ack-1").contentType("application/json")
        .body("{\"orderId\":\"A-1\"}").post(capture("/v1/routes/orders"));

    response.then().statusCode(202).body("eventId", equalTo("ack-1")).body("duplicate", equalTo(false));
    String id = response.jsonPath().getString("id");
    assertThat(response.header("Rewind-Event-Id")).isEqualTo(id);
    // Another connection sees the row the moment the 202 arrives: the commit happened before the answer.
    assertThat(store.column("SELECT correlation_id FROM rewind.events WHERE id = $1::uuid", id))
        .containsExactly("A-1");
    StandaloneSidecarResource.sink.answer(r -> HttpSink.Answer.status(200));
  }

  @Test
  void aDestinationFailingTwiceGetsTheEventOnTheThirdAttemptAndTheTraceShowsAll() {
    StandaloneSidecarResource.sink.failFirst(2, 503);
    String id = given().header("Idempotency-Key", "retry-1").body("{\"orderId\":\"R-1\"}")
        .post(capture("/v1/routes/orders/R-1/lines?source=erp")).then().statusCode(202)
        .extract().jsonPath().getString("id");

    await().atMost(WAIT).until(() -> stateOf(id).equals("delivered"));

    given().get("/v1/events/" + id).then().statusCode(200)
        .body("state", equalTo("delivered"))
        .body("url", equalTo(StandaloneSidecarResource.sink.url("/orders/R-1/lines?source=erp")))
        .body("attemptLog", hasSize(3))
        .body("attemptLog.outcome", equalTo(List.of("503", "503", "delivered")))
        .body("attemptLog.trigger", equalTo(List.of("initial", "retry", "retry")))
        .body("senderWorkload", equalTo("service-a"))
        .body("body.data", equalTo("{\"orderId\":\"R-1\"}"));
    assertThat(StandaloneSidecarResource.sink.receivedFor(id)).extracting(HttpSink.Received::path)
        .containsOnly("/orders/R-1/lines?source=erp");
    StandaloneSidecarResource.sink.answer(r -> HttpSink.Answer.status(200));
  }

  @Test
  void theTraceNamesTheSenderWithThePodsLabels() {
    String id = given().header("Idempotency-Key", "sender-1").body("{\"orderId\":\"S-1\"}")
        .post(capture("/v1/routes/orders")).then().statusCode(202)
        .extract().jsonPath().getString("id");

    // The sidecar records its sender when it starts, without holding capture back for it.
    await().atMost(WAIT).until(() -> given().get("/v1/events/" + id).jsonPath().get("senderLabels") != null);
    given().get("/v1/events/" + id).then().statusCode(200)
        .body("senderWorkload", equalTo("service-a"))
        .body("senderPod", equalTo("sidecar-test"))
        .body("senderLabels", equalTo(Map.of("app", "orders", "team", "payments \"core\"", "version", "v1")));
  }

  @Test
  void passthroughReturnsTheDestinationsExactAnswerWithTheEventId() {
    StandaloneSidecarResource.sink.answer(r -> HttpSink.Answer.status(409, "{\"conflict\":\"order exists\"}",
        Map.of("X-Order", "77", "Content-Type", "application/problem+json")));
    Response response = given().body("{\"orderId\":77}").post(capture("/v1/routes/pass"));

    response.then().statusCode(409)
        .header("X-Order", "77")
        .header("Content-Type", "application/problem+json")
        .body(equalTo("{\"conflict\":\"order exists\"}"));
    String id = response.header("Rewind-Event-Id");
    assertThat(store.column("SELECT last_outcome FROM rewind.events WHERE id = $1::uuid", id))
        .containsExactly("409");
    StandaloneSidecarResource.sink.answer(r -> HttpSink.Answer.status(200));
  }

  @Test
  void anOversizedBodyIs413AndNothingIsJournaled() {
    long before = store.count("SELECT count(*) FROM rewind.events");
    given().body("x".repeat(1025)).post(capture("/v1/routes/orders")).then().statusCode(413);
    assertThat(store.count("SELECT count(*) FROM rewind.events")).isEqualTo(before);
  }

  @Test
  void aChunkedBodyCrossingTheLimitIs413Too() throws IOException {
    long before = store.count("SELECT count(*) FROM rewind.events");
    String status = rawRequest(sidecar.capturePort(), "POST /v1/routes/orders HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + "y".repeat(1024) + "\r\n10\r\n" + "z".repeat(16)
        + "\r\n0\r\n\r\n");
    assertThat(status).startsWith("HTTP/1.1 413");
    assertThat(store.count("SELECT count(*) FROM rewind.events")).isEqualTo(before);
  }

  @Test
  void anUnknownRouteIs404NamingWhatIsServed() {
    given().body("{}").post(capture("/v1/routes/nope")).then().statusCode(404)
        .body("error", org.hamcrest.Matchers.containsString("no route \"nope\""));
  }

  @Test
  void headersAreKeptAsSentAndHopByHopHeadersAreDropped() throws IOException {
    String status = rawRequest(sidecar.capturePort(), "POST /v1/routes/orders HTTP/1.1\r\nHost: x\r\n"
        + "Idempotency-Key: hdr-1\r\nX-Trace-ID: AbC\r\nX-Multi: one\r\nX-Multi: two\r\n"
        + "Connection: keep-alive, X-Hop\r\nX-Hop: drop-me\r\nKeep-Alive: timeout=5\r\n"
        + "Content-Length: 2\r\n\r\n{}");
    assertThat(status).startsWith("HTTP/1.1 202");
    String headers = store.column("SELECT headers::text FROM rewind.events WHERE event_id = 'hdr-1'").get(0);
    assertThat(headers).contains("[\"X-Trace-ID\", \"AbC\"]", "[\"X-Multi\", \"one\"], [\"X-Multi\", \"two\"]");
    assertThat(headers).doesNotContain("X-Hop", "Keep-Alive", "Connection");
    await().atMost(WAIT).until(() -> StandaloneSidecarResource.sink.received().stream()
        .anyMatch(r -> "hdr-1".equals(r.header("Idempotency-Key"))));
    HttpSink.Received received = StandaloneSidecarResource.sink.received().stream()
        .filter(r -> "hdr-1".equals(r.header("Idempotency-Key"))).findFirst().orElseThrow();
    assertThat(received.headerList()).contains(Map.entry("X-Trace-ID", "AbC"), Map.entry("X-Multi", "one"),
        Map.entry("X-Multi", "two"));
    assertThat(received.header("X-Hop")).isNull();
  }

  @Test
  void theProxyCapturesMatchingRequestsAndPassesOthersUntouched() throws IOException {
    String captured = rawRequest(sidecar.proxyPort(), "POST http://service-b.test/orders/9 HTTP/1.1\r\n"
        + "Host: service-b.test\r\nContent-Length: 13\r\n\r\n{\"orderId\":9}");
    assertThat(captured).startsWith("HTTP/1.1 202");
    assertThat(captured).contains("\"route\":\"proxied\"");
    await().atMost(WAIT).until(() -> StandaloneSidecarResource.sink.received().stream()
        .anyMatch(r -> r.path().equals("/b/9")));

    StandaloneSidecarResource.other.answer(r -> HttpSink.Answer.status(418, "teapot", Map.of("X-Other", "yes")));
    String passed = rawRequest(sidecar.proxyPort(), "POST http://127.0.0.1:" + StandaloneSidecarResource.other.port()
        + "/elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(passed).startsWith("HTTP/1.1 418").contains("X-Other: yes").endsWith("teapot");
    assertThat(StandaloneSidecarResource.other.received()).extracting(HttpSink.Received::bodyText)
        .contains("hello");
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE url LIKE '%/elsewhere%'")).isZero();
  }

  @Test
  void connectRequestsAreTunnelledUntouched() throws IOException {
    StandaloneSidecarResource.other.answer(r -> HttpSink.Answer.status(200, "through the tunnel", Map.of()));
    try (Socket socket = new Socket("127.0.0.1", sidecar.proxyPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      String target = "127.0.0.1:" + StandaloneSidecarResource.other.port();
      out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      // Whatever goes through the tunnel is the client's own business: here, plain HTTP to the other server.
      out.write(("POST /tunnelled HTTP/1.1\r\nHost: " + target + "\r\nContent-Length: 3\r\n\r\nabc")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(new String(in.readNBytes("through the tunnel".length()), StandardCharsets.ISO_8859_1))
          .isEqualTo("through the tunnel");
    }
    assertThat(StandaloneSidecarResource.other.received()).anyMatch(r -> r.path().equals("/tunnelled")
        && r.bodyText().equals("abc"));
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  void cloudEventsIdsAndTypesAreReadInBothModes() {
    String binary = given().header("ce-id", "ce-bin-1").header("ce-type", "order.created")
        .header("ce-specversion", "1.0").header("ce-source", "/erp").body("{}")
        .post(capture("/v1/routes/cloudevents")).then().statusCode(202).extract().jsonPath().getString("id");
    String structured = given().contentType("application/cloudevents+json")
        .body("{\"specversion\":\"1.0\",\"id\":\"ce-str-1\",\"type\":\"order.paid\",\"source\":\"/erp\"}")
        .post(capture("/v1/routes/cloudevents")).then().statusCode(202).extract().jsonPath().getString("id");

    assertThat(store.column("SELECT event_id || ' ' || event_type FROM rewind.events WHERE id IN ($1::uuid, $2::uuid)"
        + " ORDER BY event_id", binary, structured)).containsExactly("ce-bin-1 order.created", "ce-str-1 order.paid");
  }

  @Test
  void theSameIdempotencyKeyIsJournaledOnce() {
    String first = given().header("Idempotency-Key", "dup-1").body("{}").post(capture("/v1/routes/orders"))
        .then().statusCode(202).extract().jsonPath().getString("id");
    given().header("Idempotency-Key", "dup-1").body("{}").post(capture("/v1/routes/orders"))
        .then().statusCode(202).body("id", equalTo(first)).body("duplicate", equalTo(true));
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE event_id = 'dup-1'")).isEqualTo(1);
  }

  @Test
  void anIdempotencyKeyReusedWithADifferentBodyIsRefusedNotAcknowledgedAsADuplicate() {
    String first = given().header("Idempotency-Key", "reused-1").body("{\"orderId\":1}")
        .post(capture("/v1/routes/orders")).then().statusCode(202).extract().jsonPath().getString("id");
    given().header("Idempotency-Key", "reused-1").body("{\"orderId\":2}").post(capture("/v1/routes/orders"))
        .then().statusCode(409)
        .body("error", containsString("event id reused-1 was already captured on route orders (Rewind id " + first
            + ") with a different body"));
    assertThat(store.column("SELECT convert_from(body, 'UTF8') FROM rewind.events WHERE event_id = 'reused-1'"))
        .containsExactly("{\"orderId\":1}");
  }

  @Test
  void aCaptureAnswered503AfterItsWriteTimedOutIsCapturedOnceWhenSentAgainWithTheIdItWasGiven() {
    // The store commits this event only after the sidecar's write timeout (2 s): the sender is told 503, and the
    // write lands anyway.
    store.column("""
        CREATE OR REPLACE FUNCTION rewind.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF convert_from(NEW.body, 'UTF8') LIKE '%slow-commit%' THEN
            PERFORM pg_sleep(3);
          END IF;
          RETURN NEW;
        END $$""");
    store.column("CREATE TRIGGER slow_commit BEFORE INSERT ON rewind.events FOR EACH ROW"
        + " EXECUTE FUNCTION rewind.slow_commit()");
    try {
      Response first = given().body("{\"note\":\"slow-commit\"}").post(capture("/v1/routes/orders"));
      first.then().statusCode(503).body("error", containsString("Rewind-Capture-Id"));
      String id = first.jsonPath().getString("id");
      assertThat(first.header("Rewind-Event-Id")).isEqualTo(id);
      await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE id = $1::uuid", id)
          == 1);

      store.column("DROP TRIGGER slow_commit ON rewind.events");
      given().header("Rewind-Capture-Id", id).body("{\"note\":\"slow-commit\"}").post(capture("/v1/routes/orders"))
          .then().statusCode(202).body("id", equalTo(id)).body("duplicate", equalTo(true));
      assertThat(store.count("SELECT count(*) FROM rewind.events WHERE convert_from(body, 'UTF8') LIKE"
          + " '%slow-commit%'")).isEqualTo(1);
    } finally {
      store.column("DROP TRIGGER IF EXISTS slow_commit ON rewind.events");
    }
  }

  @Test
  void cloudEventsFromTwoSourcesWithTheSameIdAreTwoEvents() {
    String erp = given().header("ce-id", "ce-shared-1").header("ce-source", "/erp").header("ce-type", "t")
        .header("ce-specversion", "1.0").body("{}").post(capture("/v1/routes/cloudevents"))
        .then().statusCode(202).body("duplicate", equalTo(false)).extract().jsonPath().getString("id");
    String shop = given().header("ce-id", "ce-shared-1").header("ce-source", "/shop").header("ce-type", "t")
        .header("ce-specversion", "1.0").body("{}").post(capture("/v1/routes/cloudevents"))
        .then().statusCode(202).body("duplicate", equalTo(false)).extract().jsonPath().getString("id");
    given().header("ce-id", "ce-shared-1").header("ce-source", "/shop").header("ce-type", "t")
        .header("ce-specversion", "1.0").body("{}").post(capture("/v1/routes/cloudevents"))
        .then().statusCode(202).body("duplicate", equalTo(true)).body("id", equalTo(shop));

    assertThat(erp).isNotEqualTo(shop);
    assertThat(store.column("SELECT event_source FROM rewind.events WHERE event_id = 'ce-shared-1'"
        + " ORDER BY event_source")).containsExactly("/erp", "/shop");
  }

  @Test
  void listingFiltersAndPagesWithACursor() {
    for (int i = 0; i < 5; i++) {
      given().header("Idempotency-Key", "page-" + i).body("{\"orderId\":\"P-" + i + "\"}")
          .post(capture("/v1/routes/orders")).then().statusCode(202);
    }
    Response first = given().queryParam("route", "orders").queryParam("limit", 2).queryParam("since", "10m")
        .get("/v1/events");
    first.then().statusCode(200).body("events", hasSize(2));
    String next = first.jsonPath().getString("next");
    assertThat(next).isNotNull();
    List<String> ids = new java.util.ArrayList<>(first.jsonPath().getList("events.id"));
    String cursor = next;
    while (cursor != null) {
      Response page = given().queryParam("route", "orders").queryParam("limit", 2).queryParam("since", "10m")
          .queryParam("after", cursor).get("/v1/events");
      ids.addAll(page.jsonPath().getList("events.id"));
      cursor = page.jsonPath().getString("next");
    }
    assertThat(ids).doesNotHaveDuplicates().isSorted();
    assertThat(ids).hasSize((int) store.count("SELECT count(*) FROM rewind.events WHERE route = 'orders'"
        + " AND received_at >= now() - interval '10 minutes'"));
    given().queryParam("correlationId", "P-3").get("/v1/events").then().body("events", hasSize(1))
        .body("events[0].eventId", equalTo("page-3"));
    given().queryParam("state", "lost").get("/v1/events").then().statusCode(400).body("field", equalTo("state"));
    given().get("/v1/events/not-a-uuid").then().statusCode(400).body("field", equalTo("id"));
  }

  @Test
  void theRoutesServedAreListedWithTheirPolicy() {
    given().get("/v1/routes").then().statusCode(200)
        .body("name", equalTo(List.of("cloudevents", "orders", "pass", "proxied")))
        .body("find { it.name == 'orders' }.policy", equalTo("fast"))
        .body("find { it.name == 'orders' }.maxAttempts", equalTo(5));
  }

  /**
   * Sends raw bytes, for what an HTTP client library would normalise, and returns the whole answer (status line,
   * headers and a Content-Length body). The connection stays open while the answer is read, as a client's would.
   */
  static String rawRequest(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return head.toString();
        }
        head.append((char) b);
      }
      java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *([0-9]+)")
          .matcher(head);
      byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
      return head + new String(body, StandardCharsets.ISO_8859_1);
    }
  }
}

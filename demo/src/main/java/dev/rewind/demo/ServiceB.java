package dev.rewind.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The middle of the story: accepts orders and passes each on to the partner API, through its own sidecar (its HTTP
 * client uses the sidecar as proxy, as Service A's does). Two ways it fails:
 *
 * <ul>
 *   <li>"down": it holds every request longer than Service A's timeout (the classic way a service fails: it does
 *       not refuse, it just stops answering in time);
 *   <li>"dropping": a bad release answers 200 to every order but silently drops those in CHF instead of passing
 *       them on — each hop looks green, and the order never reaches the partner.
 * </ul>
 */
final class ServiceB implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The orders the bad release drops. */
  static final String DROPPED_CURRENCY = "CHF";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final HttpClient viaSidecar;
  private final Set<String> orders = ConcurrentHashMap.newKeySet();
  private final Set<String> dropped = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean down = true;
  private volatile boolean dropping;

  /**
   * @param port where Service B listens
   * @param sidecarProxyPort the HTTP proxy of Service B's sidecar, through which it calls the partner
   */
  ServiceB(int port, int sidecarProxyPort) throws Exception {
    viaSidecar = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecarProxyPort)))
        .connectTimeout(Duration.ofSeconds(5)).build();
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      requests.incrementAndGet();
      if (down) {
        vertx.setTimer(2000, id -> {
          if (!request.response().closed()) {
            request.response().setStatusCode(504).end();
          }
        });
        return;
      }
      JsonNode order;
      try {
        order = JSON.readTree(body.getBytes());
      } catch (java.io.IOException e) {
        request.response().setStatusCode(400).end("not JSON");
        return;
      }
      String orderId = order.path("orderId").asText();
      if (dropping && DROPPED_CURRENCY.equals(order.path("currency").asText())) {
        orders.add(orderId);
        dropped.add(orderId);
        fulfilled(request);
        return;
      }
      forward(request, orderId, body.toString());
    }));
    try {
      server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Service B cannot listen on 127.0.0.1:" + port + " (is something else using"
          + " it? examples/standalone/routes.yaml sends orders there): " + e.getCause().getMessage(), e);
    }
  }

  /** Passes the order on to the partner and answers 200 once its sidecar has journaled it (503 otherwise). */
  private void forward(HttpServerRequest request, String orderId, String body) {
    viaSidecar.sendAsync(HttpRequest.newBuilder(URI.create("http://partner.local/orders"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", orderId)
            .header("ce-type", "order.accepted")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete((response, failure) -> {
          if (failure == null && response.statusCode() == 202) {
            orders.add(orderId);
            fulfilled(request);
          } else {
            request.response().setStatusCode(503).end();
          }
        });
  }

  private static void fulfilled(HttpServerRequest request) {
    request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .end("{\"status\":\"fulfilled\"}");
  }

  void recover() {
    down = false;
  }

  /** A release that drops the orders in {@link #DROPPED_CURRENCY} (answering 200 all the same), or the fix. */
  void dropping(boolean dropping) {
    this.dropping = dropping;
  }

  /** The distinct orders Service B accepted (answered 200). */
  Set<String> orders() {
    return Set.copyOf(orders);
  }

  /** The orders Service B accepted and dropped: its own record of what it did not pass on. */
  Set<String> dropped() {
    return Set.copyOf(dropped);
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

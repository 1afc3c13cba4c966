package dev.rewind.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The end of the line: the partner's order API. Accepts every order and counts what it got. */
final class PartnerApi implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final Set<String> orders = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  PartnerApi(int port) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      requests.incrementAndGet();
      try {
        JsonNode order = JSON.readTree(body.getBytes());
        orders.add(order.path("orderId").asText());
      } catch (java.io.IOException e) {
        request.response().setStatusCode(400).end("not JSON");
        return;
      }
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end("{\"status\":\"booked\"}");
    }));
    try {
      server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the partner API cannot listen on 127.0.0.1:" + port + " (is something else"
          + " using it? examples/standalone/orders-to-partner.yaml sends orders there): " + e.getCause().getMessage(),
          e);
    }
  }

  /** The distinct orders the partner got. */
  Set<String> orders() {
    return Set.copyOf(orders);
  }

  /** Every request the partner got, duplicates included. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package dev.rewind.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The destination of the story: accepts orders, except while it is "down", when it holds every request longer than
 * Service A's timeout (the classic way a service fails: it does not refuse, it just stops answering in time).
 */
final class ServiceB implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Set<String> orders = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean down = true;

  ServiceB(int port) throws Exception {
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
      try {
        JsonNode order = JSON.readTree(body.getBytes());
        orders.add(order.path("orderId").asText());
      } catch (java.io.IOException e) {
        request.response().setStatusCode(400).end("not JSON");
        return;
      }
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end("{\"status\":\"fulfilled\"}");
    }));
    try {
      server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Service B cannot listen on 127.0.0.1:" + port + " (is something else using"
          + " it? examples/standalone/routes.yaml sends orders there): " + e.getCause().getMessage(), e);
    }
  }

  void recover() {
    down = false;
  }

  Set<String> orders() {
    return Set.copyOf(orders);
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

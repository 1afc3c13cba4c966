package dev.rewind.bench.replay;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fastest destination we can offer: a Vert.x server on loopback that answers 200 with an empty body as soon as
 * the request is in, and only counts. Delivery, not the destination, is what is measured.
 */
final class FastSink implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong received = new AtomicLong();
  private final HttpServer server;

  FastSink() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> request.end().onComplete(v -> {
          received.incrementAndGet();
          request.response().setStatusCode(200).end();
        }));
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the sink cannot listen", e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  long received() {
    return received.get();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}

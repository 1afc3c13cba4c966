package dev.rewind.journal.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A real HTTP server standing in for a destination: it records every request it gets and answers as the test
 * scripts it (fail k times, hang, close the connection, succeed). Runs on its own Vert.x so a test can stop it to
 * make the destination unreachable.
 */
public final class HttpSink implements AutoCloseable {

  /** One received request, as the destination saw it. */
  public record Received(String method, String path, Map<String, String> headers, List<Map.Entry<String, String>>
      headerList, byte[] body, Instant at) {

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** How to answer one request. */
  public record Answer(int status, Map<String, String> headers, String body, Duration delay, boolean close) {

    public static Answer status(int status) {
      return new Answer(status, Map.of(), "", Duration.ZERO, false);
    }

    public static Answer status(int status, String body, Map<String, String> headers) {
      return new Answer(status, headers, body, Duration.ZERO, false);
    }

    public static Answer hang(Duration delay) {
      return new Answer(200, Map.of(), "", delay, false);
    }

    public static Answer closeConnection() {
      return new Answer(0, Map.of(), "", Duration.ZERO, true);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private volatile Function<Received, Answer> behaviour = r -> Answer.status(200);

  private final String host;

  private HttpSink(String bind, String host, int port) {
    this.host = host;
    this.vertx = Vertx.vertx();
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost(bind).setPort(port))
        .requestHandler(this::handle);
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("sink cannot listen", e);
    }
  }

  public static HttpSink start() {
    return new HttpSink("127.0.0.1", "127.0.0.1", 0);
  }

  /** Starts on a given port, e.g. to come back where a stopped sink was. */
  public static HttpSink startOn(int port) {
    return new HttpSink("127.0.0.1", "127.0.0.1", port);
  }

  /**
   * Starts on this machine's first non-loopback address: a destination a component in "cluster" mode accepts,
   * since there loopback is refused as server-side request forgery.
   */
  public static HttpSink startOnHostAddress() {
    String address = hostAddress();
    return new HttpSink(address, address, 0);
  }

  static String hostAddress() {
    // The source address of the default route: a connected UDP socket sends nothing, the kernel only picks the
    // route. Scanning interfaces could pick a bridge that a local cluster adds and removes (its pods' gateway).
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
      probe.connect(java.net.InetAddress.getByName("203.0.113.1"), 9);
      java.net.InetAddress local = probe.getLocalAddress();
      if (local instanceof java.net.Inet4Address && !local.isAnyLocalAddress() && !local.isLoopbackAddress()) {
        return local.getHostAddress();
      }
    } catch (java.io.IOException e) {
      // No default route: fall back to the first non-loopback address below.
    }
    try {
      for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (var address : java.util.Collections.list(nic.getInetAddresses())) {
          if (address instanceof java.net.Inet4Address && !address.isLinkLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
    } catch (java.net.SocketException e) {
      throw new IllegalStateException("cannot list network interfaces", e);
    }
    throw new IllegalStateException("this machine has no non-loopback IPv4 address");
  }

  public int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return "http://" + host + ":" + port() + path;
  }

  public HttpSink answer(Function<Received, Answer> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  /** Fails the first {@code k} requests of each event (by Rewind-Event-Id) with {@code status}, then accepts. */
  public HttpSink failFirst(int k, int status) {
    Map<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
    return answer(r -> seen.merge(String.valueOf(r.header("Rewind-Event-Id")), 1, Integer::sum) <= k
        ? Answer.status(status) : Answer.status(200));
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  public List<Received> receivedFor(String eventId) {
    return received.stream().filter(r -> eventId.equals(r.header("Rewind-Event-Id"))).toList();
  }

  public int count() {
    return received.size();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      List<Map.Entry<String, String>> list = new ArrayList<>(request.headers().entries());
      Map<String, String> headers = list.stream().collect(Collectors.toMap(
          e -> e.getKey().toLowerCase(java.util.Locale.ROOT), Map.Entry::getValue, (a, b) -> a));
      Received r = new Received(request.method().name(), request.uri(), headers, list, body.getBytes(),
          Instant.now());
      received.add(r);
      Answer answer = behaviour.apply(r);
      Runnable respond = () -> {
        if (answer.close()) {
          request.connection().close();
          return;
        }
        var response = request.response().setStatusCode(answer.status());
        answer.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(answer.body()));
      };
      if (answer.delay().isZero()) {
        respond.run();
      } else {
        vertx.setTimer(answer.delay().toMillis(), id -> {
          if (!request.response().closed()) {
            respond.run();
          }
        });
      }
    });
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("sink did not stop", e);
    }
  }
}

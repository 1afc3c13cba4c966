package dev.rewind.journal.delivery;

import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.RetryAfter;
import dev.rewind.journal.store.Header;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Sends one HTTP request and classifies how it ended. The destination's addresses are checked against the
 * {@link AddressPolicy} and the connection goes to the checked address. Never throws: every failure becomes an
 * {@link Outcome}, because every attempt must be journaled.
 */
public final class HttpDeliverer implements AutoCloseable {

  private final Vertx vertx;
  private final HttpClient client;
  private final AddressPolicy addresses;
  private final Resolver resolver;

  public HttpDeliverer(Vertx vertx, AddressPolicy addresses, int maxConnectionsPerHost) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.resolver = new Resolver(vertx, Duration.ofSeconds(10));
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setForceSni(true)
            .setVerifyHost(true)
            .setDecompressionSupported(false)
            .setKeepAliveTimeout(30),
        new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1));
  }

  public Uni<AttemptResult> send(OutboundRequest request) {
    return Uni.createFrom().completionStage(() -> sendFuture(request).toCompletionStage());
  }

  Future<AttemptResult> sendFuture(OutboundRequest request) {
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    Target target;
    try {
      target = Target.of(request.url());
    } catch (IllegalArgumentException e) {
      // Not a network failure: retrying cannot help, the route (or replay override) must change.
      return Future.succeededFuture(failed(startedAt, t0, ErrorClass.CONFIG, e.getMessage()));
    }
    return resolver.resolve(target.host()).transform(resolved -> {
      if (resolved.failed()) {
        Throwable cause = resolved.cause();
        ErrorClass kind = cause instanceof UnknownHostException ? ErrorClass.DNS : ErrorClass.CONNECT;
        return Future.succeededFuture(failed(startedAt, t0, kind, describe(cause)));
      }
      for (InetAddress address : resolved.result()) {
        String refusal = addresses.refusalForAddress(address);
        if (refusal != null) {
          return Future.succeededFuture(failed(startedAt, t0, ErrorClass.BLOCKED, target.host() + ": "
              + refusal));
        }
      }
      try {
        return exchange(options(request, target, resolved.result().get(0)), request, startedAt, t0);
      } catch (RuntimeException e) {
        // Building the request failed (a method or header Vert.x refuses): Rewind's input, not the network.
        return Future.succeededFuture(failed(startedAt, t0, ErrorClass.CONFIG, "the request cannot be built: "
            + describe(e)));
      }
    });
  }

  private static RequestOptions options(OutboundRequest request, Target target, InetAddress address) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(request.method()))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.pathAndQuery())
        .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
        .setConnectTimeout(request.timeout().toMillis())
        .setFollowRedirects(false);
    MultiMap headers = options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : options.getHeaders();
    for (Header h : request.headers()) {
      if (!h.is("host") && !h.is("content-length") && !dev.rewind.journal.capture.HopByHop.is(h.name())) {
        headers.add(h.name(), h.value());
      }
    }
    options.setHeaders(headers);
    return options;
  }

  /**
   * Where a request goes, from its URL. Anything that makes the URL unusable is refused here, with a message
   * naming the URL, so it is recorded as a configuration error instead of surfacing later as a connect failure
   * that would be retried in vain.
   */
  record Target(String host, int port, boolean ssl, String pathAndQuery) {

    static Target of(String url) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalArgumentException("destination " + url + " is not a valid URL: "
            + (e.getMessage() == null ? "missing" : e.getMessage()));
      }
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("destination " + url + " is not an http or https URL");
      }
      if (uri.getHost() == null) {
        // java.net.URI leaves the host null when it is not a valid DNS name (an underscore, say).
        throw new IllegalArgumentException("destination " + url + " has no usable host: a host is letters,"
            + " digits, dots and hyphens, or a bracketed IPv6 address");
      }
      boolean ssl = scheme.equalsIgnoreCase("https");
      int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("destination " + url + " has port " + port + "; a port is 1 to 65535");
      }
      return new Target(uri.getHost(), port, ssl, HttpDeliverer.pathAndQuery(uri));
    }
  }

  private Future<AttemptResult> exchange(RequestOptions options, OutboundRequest request, Instant startedAt,
      long t0) {
    Promise<AttemptResult> promise = Promise.promise();
    AtomicBoolean done = new AtomicBoolean();
    HttpClientRequest[] inFlight = new HttpClientRequest[1];
    long timer = vertx.setTimer(Math.max(1, request.timeout().toMillis()), id -> {
      if (done.compareAndSet(false, true)) {
        if (inFlight[0] != null) {
          inFlight[0].reset(0, new TimeoutException("attempt timeout"));
        }
        promise.complete(failed(startedAt, t0, ErrorClass.TIMEOUT,
            "no response within " + request.timeout().toMillis() + " ms"));
      }
    });
    client.request(options)
        .compose(req -> {
          inFlight[0] = req;
          return req.send(Buffer.buffer(request.body()));
        })
        .onSuccess(response -> {
          if (!done.compareAndSet(false, true)) {
            response.request().reset();
            return;
          }
          vertx.cancelTimer(timer);
          readBody(response, request, startedAt, t0, promise);
        })
        .onFailure(error -> {
          if (done.compareAndSet(false, true)) {
            vertx.cancelTimer(timer);
            promise.complete(failed(startedAt, t0, classify(error), describe(error)));
          }
        });
    return promise.future();
  }

  /** Keeps the first bodyLimit bytes and drains the rest, so the connection can be reused. */
  private void readBody(HttpClientResponse response, OutboundRequest request, Instant startedAt, long t0,
      Promise<AttemptResult> promise) {
    Buffer kept = Buffer.buffer();
    List<Header> headers = new ArrayList<>();
    for (Map.Entry<String, String> h : response.headers()) {
      headers.add(new Header(h.getKey(), h.getValue()));
    }
    Duration retryAfter = RetryAfter.parse(response.getHeader("retry-after"), Instant.now());
    Outcome outcome = Outcome.status(response.statusCode(), retryAfter);
    AtomicBoolean finished = new AtomicBoolean();
    long bodyTimer = vertx.setTimer(Math.max(1, request.timeout().toMillis()), id -> {
      if (finished.compareAndSet(false, true)) {
        // The status is known; a body that never ends only costs us the connection.
        response.request().reset();
        promise.complete(new AttemptResult(startedAt, elapsed(t0), outcome, "response body timed out",
            headers, kept.getBytes()));
      }
    });
    response.handler(chunk -> {
      int room = request.bodyLimit() - kept.length();
      if (room > 0) {
        kept.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
      }
    });
    response.exceptionHandler(error -> {
      if (finished.compareAndSet(false, true)) {
        vertx.cancelTimer(bodyTimer);
        promise.complete(new AttemptResult(startedAt, elapsed(t0), outcome, describe(error), headers,
            kept.getBytes()));
      }
    });
    response.endHandler(v -> {
      if (finished.compareAndSet(false, true)) {
        vertx.cancelTimer(bodyTimer);
        promise.complete(new AttemptResult(startedAt, elapsed(t0), outcome, null, headers, kept.getBytes()));
      }
    });
  }

  static ErrorClass classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return ErrorClass.DNS;
      }
      if (t instanceof SSLException) {
        return ErrorClass.TLS;
      }
      if (t instanceof TimeoutException
          || t.getClass().getName().endsWith("ConnectTimeoutException")
          || t.getClass().getSimpleName().contains("Timeout")) {
        return ErrorClass.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof ClosedChannelException) {
        return ErrorClass.CONNECT;
      }
    }
    if (!(error instanceof RuntimeException) || error instanceof io.vertx.core.VertxException
        || error instanceof io.netty.channel.ChannelException) {
      // Reset or closed mid-exchange: the request may or may not have arrived; like a refused connection it is
      // worth retrying, and consumers are idempotent.
      return ErrorClass.CONNECT;
    }
    // Anything else is not the network's doing (a defect, a request Netty refuses to encode): record it as such
    // rather than retry it as a connect failure.
    return ErrorClass.INTERNAL;
  }

  private static AttemptResult failed(Instant startedAt, long t0, ErrorClass kind, String message) {
    return new AttemptResult(startedAt, elapsed(t0), Outcome.failure(kind), message, null, null);
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1_000_000.0;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String pathAndQuery(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  @Override
  public void close() {
    client.close();
  }
}

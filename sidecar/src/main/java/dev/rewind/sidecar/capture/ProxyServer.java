package dev.rewind.sidecar.capture;

import dev.rewind.journal.capture.HopByHop;
import dev.rewind.journal.capture.RouteMatcher;
import dev.rewind.journal.route.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The HTTP forward proxy an application reaches through {@code HTTP_PROXY}. A request that a Route matches is
 * captured exactly as by the explicit API; any other request is forwarded untouched, and CONNECT (HTTPS) is
 * tunnelled untouched, so pointing an application at the proxy never breaks what Rewind does not capture.
 */
public final class ProxyServer {

  private static final Logger LOG = Logger.getLogger(ProxyServer.class);

  private final RouteTable routes;
  private final RequestCapture capture;
  private HttpServer server;
  private HttpClient client;
  private NetClient tunnels;

  public ProxyServer(RouteTable routes, RequestCapture capture) {
    this.routes = routes;
    this.capture = capture;
  }

  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64));
    tunnels = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
            .setMaxInitialLineLength(8192).setMaxHeaderSize(65536))
        .requestHandler(this::handle);
    return server.listen();
  }

  public int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.CONNECT) {
      tunnel(request);
      return;
    }
    URI uri;
    try {
      uri = URI.create(request.uri());
    } catch (IllegalArgumentException e) {
      RequestCapture.error(request.response(), 400, "not a URL: " + request.uri());
      return;
    }
    if (!uri.isAbsolute() || uri.getHost() == null) {
      RequestCapture.error(request.response(), 400, "this is a forward proxy: send absolute-URI requests"
          + " (set HTTP_PROXY), or use the capture API on the capture port");
      return;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    RouteMatcher.Captured captured = RouteMatcher.match(routes.all().values(), request.method().name(),
        uri.getHost(), port, path);
    if (captured != null) {
      capture.capture(request, captured.route(), captured.suffix());
    } else {
      forward(request, uri, port);
    }
  }

  /** Passes a request Rewind does not capture through as it is, streaming both ways. */
  private void forward(HttpServerRequest request, URI uri, int port) {
    request.pause();
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl("https".equalsIgnoreCase(uri.getScheme()))
        .setURI(uri.getRawQuery() == null ? rawPath(uri) : rawPath(uri) + "?" + uri.getRawQuery());
    client.request(options).onComplete(opened -> {
      if (opened.failed()) {
        request.resume();
        RequestCapture.error(request.response(), 502, "cannot reach " + uri.getHost() + ":" + port + ": "
            + opened.cause().getMessage());
        return;
      }
      var outbound = opened.result();
      for (Map.Entry<String, String> h : request.headers()) {
        if (!HopByHop.is(h.getKey()) && !h.getKey().equalsIgnoreCase("host")) {
          outbound.headers().add(h.getKey(), h.getValue());
        }
      }
      if (request.headers().contains("content-length")) {
        outbound.putHeader("Content-Length", request.getHeader("content-length"));
      } else if (request.headers().contains("transfer-encoding")) {
        outbound.setChunked(true);
      }
      outbound.response().onComplete(answered -> {
        if (answered.failed()) {
          RequestCapture.error(request.response(), 502, answered.cause().getMessage());
          return;
        }
        var response = answered.result();
        var reply = request.response().setStatusCode(response.statusCode())
            .setStatusMessage(response.statusMessage());
        for (Map.Entry<String, String> h : response.headers()) {
          if (!HopByHop.is(h.getKey())) {
            reply.headers().add(h.getKey(), h.getValue());
          }
        }
        if (!response.headers().contains("content-length")) {
          reply.setChunked(true);
        }
        response.pipeTo(reply);
      });
      request.pipeTo(outbound).onFailure(e -> LOG.debugf("Proxied request to %s broke off: %s", uri.getHost(),
          e.getMessage()));
    });
  }

  /** CONNECT host:port: a blind TCP tunnel; TLS traffic cannot be captured, only passed on. */
  private void tunnel(HttpServerRequest request) {
    String authority = request.uri();
    int colon = authority.lastIndexOf(':');
    if (colon < 0) {
      RequestCapture.error(request.response(), 400, "CONNECT needs host:port");
      return;
    }
    String host = authority.substring(0, colon);
    int port = Integer.parseInt(authority.substring(colon + 1));
    request.pause();
    tunnels.connect(port, host).onComplete(connected -> {
      if (connected.failed()) {
        request.resume();
        RequestCapture.error(request.response(), 502, "cannot reach " + authority);
        return;
      }
      var upstream = connected.result();
      request.toNetSocket().onComplete(socket -> {
        if (socket.failed()) {
          upstream.close();
          return;
        }
        var downstream = socket.result();
        downstream.pipeTo(upstream);
        upstream.pipeTo(downstream);
      });
    });
  }

  private static String rawPath(URI uri) {
    return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
  }

  public Future<Void> close() {
    if (server == null) {
      return Future.succeededFuture();
    }
    return server.close().eventually(() -> client.close()).eventually(() -> tunnels.close());
  }
}

package dev.rewind.sidecar.capture;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Explicit capture: an application sends {@code POST /v1/routes/{route}[/suffix]} to the sidecar instead of the
 * destination. Loopback only: the capture API is for the pod's own containers.
 */
public final class CaptureServer {

  static final String PREFIX = "/v1/routes/";

  private final RouteTable routes;
  private final RequestCapture capture;
  private HttpServer server;

  public CaptureServer(RouteTable routes, RequestCapture capture) {
    this.routes = routes;
    this.capture = capture;
  }

  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
            .setMaxInitialLineLength(8192).setMaxHeaderSize(65536).setCompressionSupported(false))
        .requestHandler(this::handle);
    return server.listen();
  }

  public int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (path == null || !path.startsWith(PREFIX)) {
      RequestCapture.error(request.response(), 404, "capture requests go to " + PREFIX + "{route}[/suffix]");
      return;
    }
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String name = slash < 0 ? rest : rest.substring(0, slash);
    String suffix = slash < 0 ? "" : rest.substring(slash);
    ResolvedRoute route = routes.get(name);
    if (route == null) {
      RequestCapture.error(request.response(), 404, "no route \"" + name + "\" is served here; serving "
          + routes.names());
      return;
    }
    capture.capture(request, route, suffix);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

package dev.rewind.console.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rewind.console.Console;
import dev.rewind.console.ConsoleAccess;
import dev.rewind.console.ConsoleRequest;
import dev.rewind.console.ConsoleResponse;
import dev.rewind.console.read.ConsoleReads;
import io.vertx.mutiny.sqlclient.Pool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console against a standalone store ({@code rewind console}, the console benchmark): the JDK's HTTP server on
 * 127.0.0.1 only (no
 * login, so nothing but this machine may connect), the same pages under the same relative layout as in a cluster,
 * {@code /namespaces/NS/console/PAGE}. Its one user reads what the store holds (bodies included), as the other
 * {@code rewind} commands do.
 */
public final class LoopbackServer implements AutoCloseable {

  private static final Pattern PAGE = Pattern.compile("/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/console(?:/([^/]*))?");

  private final HttpServer server;
  private final ExecutorService workers;

  private LoopbackServer(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port) and serves {@code namespace} at {@code /}. */
  public static LoopbackServer start(Pool pool, int port, String namespace) {
    Console console = new Console(new ConsoleReads(pool), Console.Flows.NONE, Duration.ofSeconds(30),
        Clock.systemUTC());
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      // Pages await the store: a few workers, not the server's dispatcher thread.
      ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "rewind-console");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(workers);
      server.createContext("/", exchange -> serve(exchange, console, namespace));
      server.start();
      return new LoopbackServer(server, workers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address of a namespace's routes page. */
  public String url(String namespace) {
    return "http://127.0.0.1:" + port() + "/namespaces/" + namespace + "/console/routes";
  }

  private static void serve(HttpExchange exchange, Console console, String namespace) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/")) {
        exchange.getResponseHeaders().set("Location", "namespaces/" + namespace + "/console/routes");
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      Matcher m = PAGE.matcher(path);
      if (!m.matches()) {
        byte[] body = "not found\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      ConsoleResponse answer = console.handle(new ConsoleRequest(exchange.getRequestMethod(), m.group(1),
          m.group(3), query(exchange.getRequestURI().getRawQuery())), ConsoleAccess.ALL);
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(answer.status(), head ? -1 : answer.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      }
    }
  }

  /** The raw query string's parameters, decoded; a malformed escape leaves that parameter out. */
  static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        // A malformed %-escape: the parameter is ignored, as a browser would have sent it encoded.
        continue;
      }
    }
    return params;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}

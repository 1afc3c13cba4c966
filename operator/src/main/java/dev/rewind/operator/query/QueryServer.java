package dev.rewind.operator.query;

import dev.rewind.operator.webhook.tls.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.logging.Logger;

/**
 * The query API's HTTPS server on Vert.x. TLS asks for a client certificate of the requestheader CA (kube-apiserver's
 * front proxy); {@link FrontProxyAuthenticator} checks it again with its common name before any header is believed.
 * Requests run on worker threads (the store and the SubjectAccessReviews are awaited there). The certificate and the
 * trusted CA can be swapped while it runs.
 */
public final class QueryServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(QueryServer.class);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpServer server;
  private final Vertx vertx;
  private final QueryApi api;
  private final Clock clock;
  private volatile FrontProxyAuthenticator authenticator;

  private QueryServer(HttpServer server, Vertx vertx, QueryApi api, FrontProxyAuthenticator authenticator,
      Clock clock) {
    this.server = server;
    this.vertx = vertx;
    this.api = api;
    this.authenticator = authenticator;
    this.clock = clock;
  }

  /** Starts listening and returns once it does; a port in use fails here. */
  public static QueryServer start(Vertx vertx, String host, int port, ServingCertificate certificate,
      RequestHeaderAuthentication trust, QueryApi api, Clock clock) {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setSsl(true)
        .setKeyCertOptions(keyCert(certificate)).setTrustOptions(trust(trust)).setClientAuth(ClientAuth.REQUIRED);
    HttpServer server = vertx.createHttpServer(options);
    QueryServer query = new QueryServer(server, vertx, api, new FrontProxyAuthenticator(trust), clock);
    server.requestHandler(query::handle);
    await(server.listen(), "listen on " + host + ":" + port);
    LOG.infof("Query API %s listening on https://%s:%d", ApiDiscovery.GROUP_VERSION, host, server.actualPort());
    return query;
  }

  public int port() {
    return server.actualPort();
  }

  /** Serves new connections with this certificate and trusts this front proxy from now on. */
  public void update(ServingCertificate certificate, RequestHeaderAuthentication trust) {
    await(server.updateSSLOptions(new SSLOptions().setKeyCertOptions(keyCert(certificate))
        .setTrustOptions(trust(trust))), "switch the certificate");
    authenticator = new FrontProxyAuthenticator(trust);
  }

  @Override
  public void close() {
    await(server.close(), "stop");
  }

  private void handle(HttpServerRequest request) {
    QueryApi.Request query;
    try {
      MultiMap headers = request.headers();
      Identity who = authenticator.authenticate(peerChain(request), headers::getAll, headers.names(),
          clock.instant());
      query = new QueryApi.Request(request.method().name(), request.path(), query(request.query()),
          request.getHeader(HttpHeaders.ACCEPT), who);
    } catch (QueryException e) {
      LOG.debugf("Refused a query from %s: %s", request.remoteAddress(), e.getMessage());
      respond(request, new QueryApi.Response(e.code(), "application/json",
          Buffer.buffer(StatusErrors.of(e).toString()).getBytes()));
      return;
    }
    vertx.<QueryApi.Response>executeBlocking(() -> api.handle(query), false).onComplete(result -> {
      if (result.succeeded()) {
        respond(request, result.result());
      } else {
        LOG.errorf(result.cause(), "Query %s failed", request.path());
        request.response().setStatusCode(500).end();
      }
    });
  }

  private static void respond(HttpServerRequest request, QueryApi.Response response) {
    request.response().setStatusCode(response.status()).putHeader(HttpHeaders.CONTENT_TYPE, response.contentType());
    response.headers().forEach((name, value) -> request.response().putHeader(name, value));
    request.response().end(Buffer.buffer(response.body()));
  }

  private static List<X509Certificate> peerChain(HttpServerRequest request) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      if (request.connection().sslSession() == null) {
        return chain;
      }
      for (Certificate c : request.connection().sslSession().getPeerCertificates()) {
        if (c instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return chain;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /** The raw query string's parameters, in order, decoded; a parameter without a value has "". */
  static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw QueryException.badRequest("the query string is malformed: " + e.getMessage());
    }
  }

  private static PemKeyCertOptions keyCert(ServingCertificate certificate) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
        .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
  }

  private static PemTrustOptions trust(RequestHeaderAuthentication trust) {
    return new PemTrustOptions().addCertValue(Buffer.buffer(trust.clientCaPem()));
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the query server could not " + what + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the query server did not " + what + " within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the query server tried to " + what, e);
    }
  }
}

package dev.rewind.operator.webhook;

import dev.rewind.operator.webhook.tls.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The webhook's own HTTPS server on Vert.x: {@code POST /mutate} goes to the {@link AdmissionHandler}, anything else
 * is answered 404 or 405. Its certificate can be swapped while it runs ({@link #useCertificate}); connections
 * already open finish with the old one.
 */
public final class WebhookServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WebhookServer.class);
  /** Far above any Pod the API server would store (etcd's limit is 1.5 MiB), so only garbage is refused. */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpServer server;
  private final AdmissionHandler handler;

  private WebhookServer(HttpServer server, AdmissionHandler handler) {
    this.server = server;
    this.handler = handler;
  }

  /** Starts listening and returns once it does; a port in use fails here, at start. */
  public static WebhookServer start(Vertx vertx, String host, int port, ServingCertificate certificate,
      AdmissionHandler handler) {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setSsl(true)
        .setKeyCertOptions(keyCert(certificate));
    HttpServer server = vertx.createHttpServer(options);
    WebhookServer webhook = new WebhookServer(server, handler);
    server.requestHandler(webhook::route);
    await(server.listen(), "listen on " + host + ":" + port);
    LOG.infof("Sidecar injection webhook listening on https://%s:%d%s", host, server.actualPort(),
        InjectorSettings.PATH);
    return webhook;
  }

  public int port() {
    return server.actualPort();
  }

  /** Serves new connections with this certificate from now on, without a restart. */
  public void useCertificate(ServingCertificate certificate) {
    await(server.updateSSLOptions(new SSLOptions().setKeyCertOptions(keyCert(certificate))),
        "switch the certificate");
  }

  @Override
  public void close() {
    await(server.close(), "stop");
  }

  private void route(HttpServerRequest request) {
    if (!InjectorSettings.PATH.equals(request.path())) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (request.method() != HttpMethod.POST) {
      request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST").end();
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        tooLarge[0] = true;
      } else if (!tooLarge[0]) {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(e -> LOG.debugf(e, "AdmissionReview request from %s failed", request.remoteAddress()));
    request.endHandler(end -> {
      if (tooLarge[0]) {
        request.response().setStatusCode(413).end();
        return;
      }
      AdmissionHandler.Answer answer = handler.handle(request.getHeader(HttpHeaders.CONTENT_TYPE), body.getBytes());
      request.response().setStatusCode(answer.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer.body());
    });
  }

  private static PemKeyCertOptions keyCert(ServingCertificate certificate) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
        .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the webhook server could not " + what + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the webhook server did not " + what + " within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the webhook server tried to " + what, e);
    }
  }
}

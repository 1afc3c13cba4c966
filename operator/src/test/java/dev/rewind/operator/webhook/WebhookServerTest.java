package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.webhook.patch.PodInjector;
import dev.rewind.operator.webhook.tls.CertificateIssuer;
import dev.rewind.operator.webhook.tls.ServingCertificate;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real HTTPS server on loopback: routing, answers, and a certificate swapped while it runs. */
class WebhookServerTest {

  private static final ServingCertificate FIRST =
      CertificateIssuer.issue(List.of("127.0.0.1"), Duration.ofDays(30), Instant.now(), "");
  private static final ServingCertificate SECOND =
      CertificateIssuer.issue(List.of("127.0.0.1"), Duration.ofDays(30), Instant.now(), "");

  private static final SSLContext TLS = trustingTheTestCas();
  private static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(TLS)
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Vertx vertx;
  private WebhookServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = WebhookServer.start(vertx, "127.0.0.1", 0, FIRST, new AdmissionHandler(
        new PodInjector(PodFixtures.defaultTemplate()), new InjectionMetrics(new SimpleMeterRegistry())));
  }

  @AfterEach
  void stop() {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void answersAnAdmissionReviewPostedToMutate() throws Exception {
    String pod = new KubernetesSerialization().asJson(PodFixtures.capturedPod("orders").build());
    String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u-1\","
        + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\","
        + "\"namespace\":\"shop\",\"object\":" + pod + "}}";

    HttpResponse<String> response = post("/mutate", "application/json", review);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    assertThat(response.body()).contains("\"uid\":\"u-1\"", "\"allowed\":true", "\"patchType\":\"JSONPatch\"");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(post("/validate", "application/json", "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> get = client().send(HttpRequest.newBuilder(uri("/mutate")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).contains("POST");
  }

  @Test
  void aBodyFarBeyondAnyPodIsRefused() throws Exception {
    String huge = "x".repeat(WebhookServer.MAX_BODY_BYTES + 1);
    assertThat(post("/mutate", "application/json", huge).statusCode()).isEqualTo(413);
  }

  @Test
  void aSwappedCertificateServesNewConnectionsWithoutARestart() throws Exception {
    assertThat(presentedCertificate()).isEqualTo(FIRST.leaf());

    server.useCertificate(SECOND);

    assertThat(presentedCertificate()).isEqualTo(SECOND.leaf());
    assertThat(post("/mutate", "text/plain", "x").statusCode()).as("and it still answers").isEqualTo(415);
  }

  /** The certificate a new TLS handshake gets: a fresh connection, as the API server makes. */
  private Certificate presentedCertificate() throws Exception {
    try (SSLSocket socket = (SSLSocket) TLS.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.startHandshake();
      return socket.getSession().getPeerCertificates()[0];
    }
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return client().send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  private static HttpClient client() {
    return CLIENT;
  }

  /** Trusts exactly the two test CAs, as the API server trusts the caBundle. */
  private static SSLContext trustingTheTestCas() {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      List<X509Certificate> cas = Stream.of(FIRST, SECOND).flatMap(c -> c.caBundle().stream()).toList();
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test trust store", e);
    }
  }
}

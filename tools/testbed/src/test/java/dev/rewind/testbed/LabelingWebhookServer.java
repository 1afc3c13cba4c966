package dev.rewind.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A mutating admission webhook served over HTTPS on 127.0.0.1 with a certificate from its own CA:
 * it answers every AdmissionReview for a Pod with a JSONPatch that adds the label {@link #LABEL}.
 */
final class LabelingWebhookServer implements AutoCloseable {

    static final String LABEL = "rewind.dev/mutated";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateAuthority ca = CertificateAuthority.create("labeling-webhook-ca");
    private final HttpsServer server;
    private final List<String> reviewedPods = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private boolean stopped;

    LabelingWebhookServer() throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issueServerCertificate("127.0.0.1").sslContext()));
        server.createContext("/mutate", this::review);
        server.start();
    }

    /** The URL for the webhook's {@code clientConfig.url}. */
    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/mutate";
    }

    /** The webhook's {@code clientConfig.caBundle}: the PEM of the CA that signed the server certificate. */
    String caBundle() {
        return Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.UTF_8));
    }

    /** Names of the Pods the API server sent for review, in order. */
    List<String> reviewedPods() {
        return reviewedPods;
    }

    /** Requests this server could not answer; a test asserts there were none. */
    List<Exception> failures() {
        return failures;
    }

    /** Stops the server at once; the API server's next call to it is refused. Idempotent. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            server.stop(0);
            stopped = true;
        }
    }

    private void review(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] answer;
            int status;
            try {
                answer = JSON.writeValueAsBytes(respond(JSON.readTree(body)));
                status = 200;
            } catch (IOException | RuntimeException e) {
                failures.add(e);
                answer = e.toString().getBytes(StandardCharsets.UTF_8);
                status = 500;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private ObjectNode respond(JsonNode review) throws IOException {
        JsonNode request = review.required("request");
        JsonNode metadata = request.required("object").required("metadata");
        reviewedPods.add(metadata.path("name").asText());

        // JSON Pointer escapes "/" in the label key as "~1"; a Pod without labels needs the map first.
        ArrayNode patch = JSON.createArrayNode();
        if (metadata.has("labels")) {
            patch.addObject().put("op", "add").put("path", "/metadata/labels/" + LABEL.replace("/", "~1"))
                    .put("value", "true");
        } else {
            patch.addObject().put("op", "add").put("path", "/metadata/labels")
                    .set("value", JSON.createObjectNode().put(LABEL, "true"));
        }

        ObjectNode answer = JSON.createObjectNode();
        answer.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        answer.putObject("response")
                .put("uid", request.required("uid").asText())
                .put("allowed", true)
                .put("patchType", "JSONPatch")
                .put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
        return answer;
    }
}

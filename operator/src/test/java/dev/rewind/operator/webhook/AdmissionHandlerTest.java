package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.operator.webhook.patch.PodInjector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The handler between bytes and the injector: what every kind of request gets back, and what is counted. */
class AdmissionHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization K8S = new KubernetesSerialization();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AdmissionHandler handler =
      new AdmissionHandler(new PodInjector(PodFixtures.defaultTemplate()), new InjectionMetrics(registry));

  @Test
  void anAnnotatedPodIsAllowedWithAJsonPatchThatAddsTheSidecar() throws Exception {
    ObjectNode review = review("Pod", "CREATE", podJson(PodFixtures.capturedPod("orders").build()));

    AdmissionHandler.Answer answer = handle(review);

    JsonNode response = response(answer, 200, review);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    Pod patched = K8S.convertValue(JsonPatch.apply(patch, review.path("request").path("object")), Pod.class);
    assertThat(PodFixtures.hasSidecar(patched)).isTrue();
    assertThat(count("injected")).isEqualTo(1);
  }

  @Test
  void aPodThatDidNotAskIsAllowedWithoutPatchOrWarnings() throws Exception {
    ObjectNode review = review("Pod", "CREATE", podJson(PodFixtures.plainPod("orders").build()));

    JsonNode response = response(handle(review), 200, review);

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("warnings")).isFalse();
    assertThat(count("skipped")).isEqualTo(1);
  }

  @Test
  void badAnnotationValuesComeBackAsWarnings() throws Exception {
    ObjectNode review = review("Pod", "CREATE", podJson(PodFixtures.capturedPod("orders").editMetadata()
        .addToAnnotations("rewind.dev/sidecar-cpu-request", "lots").endMetadata().build()));

    JsonNode response = response(handle(review), 200, review);

    assertThat(response.path("warnings")).singleElement().satisfies(w -> assertThat(w.asText())
        .startsWith("rewind: rewind.dev/sidecar-cpu-request: \"lots\" is not a positive quantity"));
  }

  @Test
  void anotherKindOrOperationIsLetThroughUntouched() throws Exception {
    ObjectNode deployment = review("Deployment", "CREATE", JSON.createObjectNode().put("kind", "Deployment"));
    ObjectNode update = review("Pod", "UPDATE", podJson(PodFixtures.capturedPod("orders").build()));

    assertThat(response(handle(deployment), 200, deployment).has("patch")).isFalse();
    assertThat(response(handle(update), 200, update).has("patch")).isFalse();
    assertThat(count("skipped")).isEqualTo(2);
  }

  @Test
  void aBugInPatchBuildingAdmitsThePodWithoutASidecarAndSaysSo() throws Exception {
    // An annotated pod without a spec makes the injector fail: the stand-in for any bug in patch building.
    ObjectNode pod = podJson(PodFixtures.capturedPod("orders").build());
    pod.remove("spec");
    ObjectNode review = review("Pod", "CREATE", pod);

    JsonNode response = response(handle(review), 200, review);

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("warnings").get(0).asText()).contains("not injected because of an internal error");
    assertThat(count("error")).isEqualTo(1);
  }

  @Test
  void malformedRequestsGetAClearAdmissionReviewError() throws Exception {
    assertRefused(handler.handle("text/plain", "{}".getBytes(StandardCharsets.UTF_8)), 415,
        "expected Content-Type application/json, got text/plain");
    assertRefused(handler.handle("application/json", "{not json".getBytes(StandardCharsets.UTF_8)), 400,
        "the body is not JSON");
    assertRefused(handler.handle("application/json", "[]".getBytes(StandardCharsets.UTF_8)), 400,
        "not an AdmissionReview object");
    ObjectNode v1beta1 = review("Pod", "CREATE", podJson(PodFixtures.plainPod("p").build()));
    v1beta1.put("apiVersion", "admission.k8s.io/v1beta1");
    assertRefused(handle(v1beta1), 400, "expected apiVersion admission.k8s.io/v1 kind AdmissionReview");
    ObjectNode noUid = review("Pod", "CREATE", podJson(PodFixtures.plainPod("p").build()));
    ((ObjectNode) noUid.path("request")).remove("uid");
    assertRefused(handle(noUid), 400, "has no uid");
    ObjectNode notAPod = review("Pod", "CREATE", JSON.createObjectNode()
        .set("metadata", JSON.createObjectNode().set("annotations",
            JSON.createObjectNode().put("rewind.dev/capture", "true"))));
    ((ObjectNode) notAPod.path("request").path("object")).put("spec", "a string is no PodSpec");
    assertRefused(handle(notAPod), 400, "the request object is not a Pod");
    assertThat(count("error")).isEqualTo(6);
  }

  private AdmissionHandler.Answer handle(ObjectNode review) throws Exception {
    return handler.handle("application/json; charset=utf-8", JSON.writeValueAsBytes(review));
  }

  private static void assertRefused(AdmissionHandler.Answer answer, int status, String message) throws Exception {
    assertThat(answer.status()).isEqualTo(status);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(body.path("response").path("allowed").asBoolean()).isFalse();
    assertThat(body.path("response").path("status").path("code").asInt()).isEqualTo(status);
    assertThat(body.path("response").path("status").path("message").asText()).contains(message);
  }

  private static JsonNode response(AdmissionHandler.Answer answer, int status, ObjectNode review) throws Exception {
    assertThat(answer.status()).isEqualTo(status);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(body.path("response").path("uid").asText()).isEqualTo(review.path("request").path("uid").asText());
    return body.path("response");
  }

  private double count(String result) {
    return registry.get(InjectionMetrics.ADMISSIONS).tag("result", result).counter().count();
  }

  private static ObjectNode podJson(Pod pod) {
    return K8S.convertValue(pod, ObjectNode.class);
  }

  private static ObjectNode review(String kind, String operation, ObjectNode object) {
    ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request").put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002")
        .put("operation", operation).put("namespace", "shop").put("name", "");
    request.putObject("kind").put("group", kind.equals("Pod") ? "" : "apps").put("version", "v1").put("kind", kind);
    request.set("object", object);
    return review;
  }
}

package dev.rewind.operator.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * {@code admission.k8s.io/v1} AdmissionReview in and out, as JSON trees: the request is read only as far as the
 * webhook needs it (the object stays raw JSON until it is known to be a Pod), and every way a request can be wrong
 * becomes a {@link MalformedReview} with a message for the answer.
 */
final class AdmissionReviews {

  static final String API_VERSION = "admission.k8s.io/v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {}

  /** What the webhook reads of a request. */
  record Request(String uid, String group, String version, String kind, String operation, String namespace,
      String name, JsonNode object) {

    boolean isPodCreate() {
      return "".equals(group) && "v1".equals(version) && "Pod".equals(kind) && "CREATE".equals(operation)
          && object.isObject();
    }

    /** For log lines: a pod created through generateName has no name yet. */
    String displayName() {
      if (!name.isEmpty()) {
        return namespace + "/" + name;
      }
      String generateName = object.path("metadata").path("generateName").asText("");
      return namespace + "/" + (generateName.isEmpty() ? "(unnamed)" : generateName + "*");
    }
  }

  static final class MalformedReview extends Exception {
    private static final long serialVersionUID = 1L;
    private final String uid;

    MalformedReview(String uid, String message) {
      super(message);
      this.uid = uid;
    }

    String uid() {
      return uid;
    }
  }

  static Request read(byte[] body) throws MalformedReview {
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new MalformedReview("", "the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // Reading from a byte array does no I/O; Jackson declares it anyway.
      throw new MalformedReview("", "the body cannot be read: " + e.getMessage());
    }
    if (review == null || !review.isObject()) {
      throw new MalformedReview("", "the body is not an AdmissionReview object");
    }
    JsonNode request = review.path("request");
    String uid = request.path("uid").asText("");
    if (!API_VERSION.equals(review.path("apiVersion").asText()) || !"AdmissionReview".equals(review.path("kind")
        .asText())) {
      throw new MalformedReview(uid, "expected apiVersion " + API_VERSION + " kind AdmissionReview, got "
          + review.path("apiVersion").asText("(none)") + " " + review.path("kind").asText("(none)"));
    }
    if (!request.isObject()) {
      throw new MalformedReview("", "the AdmissionReview has no request");
    }
    if (uid.isEmpty()) {
      throw new MalformedReview("", "the AdmissionReview request has no uid");
    }
    JsonNode kind = request.path("kind");
    return new Request(uid, kind.path("group").asText(""), kind.path("version").asText(""),
        kind.path("kind").asText(""), request.path("operation").asText(""), request.path("namespace").asText(""),
        request.path("name").asText(""), request.path("object"));
  }

  /** Allowed, with the patch when it has operations, and the warnings kubectl shows. */
  static String allowed(String uid, ArrayNode patch, List<String> warnings) {
    ObjectNode response = response(uid).put("allowed", true);
    if (!patch.isEmpty()) {
      response.put("patchType", "JSONPatch")
          .put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
    }
    if (!warnings.isEmpty()) {
      ArrayNode array = response.putArray("warnings");
      warnings.forEach(w -> array.add("rewind: " + w));
    }
    return review(response);
  }

  /** Refused with an HTTP-style status code and a message saying what was wrong. */
  static String refused(String uid, int code, String message) {
    ObjectNode response = response(uid).put("allowed", false);
    response.putObject("status").put("code", code).put("message", message);
    return review(response);
  }

  private static ObjectNode response(String uid) {
    return JSON.createObjectNode().put("uid", uid);
  }

  private static String review(ObjectNode response) {
    ObjectNode review = JSON.createObjectNode().put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
    review.set("response", response);
    return review.toString();
  }
}

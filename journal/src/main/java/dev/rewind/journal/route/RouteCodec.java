package dev.rewind.journal.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.RouteSpec;

/**
 * The JSON form of a resolved route in the store's routes table: the Route spec and the policy spec as the API
 * server stored them. Unknown fields are ignored so an older sidecar keeps working with routes a newer operator
 * published.
 */
public final class RouteCodec {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The stored document. */
  public record Document(RouteSpec route, String policyName, Long policyGeneration, RetryPolicySpec policy) {}

  private RouteCodec() {}

  public static String encode(ResolvedRoute route) {
    try {
      return JSON.writeValueAsString(new Document(route.spec(), route.policyName(), route.policyGeneration(),
          route.policySpec()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode route " + route.namespace() + "/" + route.name(), e);
    }
  }

  public static ResolvedRoute decode(String namespace, String name, long generation, String json) {
    try {
      Document doc = JSON.readValue(json, Document.class);
      return new ResolvedRoute(namespace, name, generation, doc.route(), doc.policyName(), doc.policyGeneration(),
          doc.policy());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored route " + namespace + "/" + name + " is not readable: "
          + e.getOriginalMessage(), e);
    }
  }
}

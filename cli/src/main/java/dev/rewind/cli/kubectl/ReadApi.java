package dev.rewind.cli.kubectl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's read API, {@code query.rewind.dev/v1alpha1}, an aggregated API served behind the cluster's API
 * server: every request goes with the user's credentials and RBAC decides, so no store password is needed. A
 * refusal comes back as a Kubernetes Status, which {@link io.fabric8.kubernetes.client.KubernetesClientException}
 * carries.
 */
final class ReadApi {

  static final String GROUP = "query.rewind.dev";
  static final String VERSION = "v1alpha1";
  static final String BASE = "/apis/" + GROUP + "/" + VERSION;

  /** The equality filters of an events listing, by their field selector keys, and its time window. */
  record EventFilter(String route, String state, String correlationId, String type, String lastOutcome,
      String sender, String since, String until) {

    static EventFilter none() {
      return new EventFilter(null, null, null, null, null, null, null, null);
    }

    /** {@code spec.route=orders,status.state=dead}, in a fixed order; empty without filters. */
    String fieldSelector() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("spec.route", route);
      fields.put("status.state", state);
      fields.put("spec.correlationId", correlationId);
      fields.put("spec.type", type);
      fields.put("status.lastOutcome", lastOutcome);
      fields.put("spec.sender.workload", sender);
      List<String> terms = new ArrayList<>();
      fields.forEach((key, value) -> {
        if (value != null) {
          terms.add(key + "=" + escape(value));
        }
      });
      return String.join(",", terms);
    }
  }

  private final KubernetesClient client;

  ReadApi(KubernetesClient client) {
    this.client = client;
  }

  EventListView events(String namespace, EventFilter filter, int limit, String continueToken) {
    return EventListView.of(get(eventsPath(namespace, filter, limit, continueToken), "events", namespace));
  }

  JournalEventView event(String namespace, String id) {
    return JournalEventView.of(get(eventPath(namespace, id), "event " + id, namespace));
  }

  OrderView order(String namespace, String correlationId, String flow) {
    return OrderView.of(get(orderPath(namespace, correlationId, flow), "order " + correlationId, namespace));
  }

  /**
   * GET through the API server. A 404 naming a resource kind is the thing missing ({@code no event X in namespace
   * N}); one without is the API itself not served; 503 is its server not reachable. Anything else (Forbidden, a
   * parameter refused) goes up with the API server's Status.
   */
  private com.fasterxml.jackson.databind.JsonNode get(String path, String what, String namespace) {
    try {
      return Json.parse(fetch(path));
    } catch (KubernetesClientException e) {
      Status status = e.getStatus();
      boolean namesKind = status != null && status.getDetails() != null && status.getDetails().getKind() != null
          && !status.getDetails().getKind().isEmpty();
      if (e.getCode() == 404 && namesKind) {
        throw new KubeFailures.Refused("no " + what + " in namespace " + namespace);
      }
      if (e.getCode() == 404 || e.getCode() == 503) {
        throw new KubeFailures.Refused("the read API " + GROUP + "/" + VERSION + " is " + (e.getCode() == 404
            ? "not served by this cluster" : "unavailable") + " (" + KubeFailures.describe(e) + "): install the"
            + " Rewind operator with its read API, or use bin/rewind against the store");
      }
      throw e;
    }
  }

  static String eventsPath(String namespace, EventFilter filter, int limit, String continueToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("limit", Integer.toString(limit));
    query.put("continue", continueToken);
    String selector = filter.fieldSelector();
    query.put("fieldSelector", selector.isEmpty() ? null : selector);
    query.put("since", filter.since());
    query.put("until", filter.until());
    return BASE + "/namespaces/" + segment(namespace) + "/events" + query(query);
  }

  static String eventPath(String namespace, String id) {
    return BASE + "/namespaces/" + segment(namespace) + "/events/" + segment(id);
  }

  static String orderPath(String namespace, String correlationId, String flow) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("flow", flow);
    return BASE + "/namespaces/" + segment(namespace) + "/orders/" + segment(correlationId) + query(query);
  }

  /**
   * The body of a GET of {@code path} on the API server, through the client's own HTTP client (its TLS, credentials
   * and token refresh). Not {@code client.raw(path)}: that answers null for a 404 and so hides which thing is
   * missing; here any failure is a KubernetesClientException with the API server's Status.
   */
  private String fetch(String path) {
    HttpClient http = client.getHttpClient();
    String master = client.getConfiguration().getMasterUrl();
    String url = (master.endsWith("/") ? master.substring(0, master.length() - 1) : master) + path;
    HttpResponse<String> response;
    try {
      response = http.sendAsync(http.newHttpRequestBuilder().uri(url).header("Accept", "application/json").build(),
          String.class).get(Math.max(10_000, client.getConfiguration().getRequestTimeout()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while reading " + path, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("GET " + path + " failed", e instanceof ExecutionException ? e.getCause()
          : e);
    }
    if (response.isSuccessful()) {
      return response.body();
    }
    throw new KubernetesClientException(status(response.code(), response.body()));
  }

  /** The Status a failed answer carries, or one made from its code and text when it carries none. */
  static Status status(int code, String body) {
    if (body != null && body.contains("\"Status\"")) {
      try {
        Status status = Serialization.unmarshal(body, Status.class);
        if (status != null && status.getCode() != null) {
          return status;
        }
      } catch (RuntimeException notAStatus) {
        // Made up below.
      }
    }
    return new StatusBuilder().withCode(code).withMessage(body == null || body.isBlank() ? "HTTP " + code
        : body.strip()).build();
  }

  /** A field selector value with its operators escaped, as Kubernetes' fields.EscapeValue does. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  private static String query(Map<String, String> parameters) {
    List<String> pairs = new ArrayList<>();
    parameters.forEach((key, value) -> {
      if (value != null) {
        pairs.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
  }

  /** A path segment: percent-encoded, so an id with a slash or a space stays one segment. */
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

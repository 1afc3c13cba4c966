package dev.rewind.operator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowChecks;
import dev.rewind.console.Console;
import dev.rewind.console.ConsoleRequest;
import dev.rewind.console.ConsoleResponse;
import dev.rewind.console.read.ConsoleReads;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.StoredEvent;
import dev.rewind.operator.query.AccessReviews.Question;
import dev.rewind.operator.query.ListParameters.IncludeObject;
import dev.rewind.operator.query.ListParameters.ListRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The API's resources over the journal: discovery, events (list, get), an event's body, orders. Each read is
 * authorized with a SubjectAccessReview for the user kube-apiserver passed on, and never leaves the namespace it
 * was authorized for (but a Flow's hops elsewhere, each authorized on its own). Blocking: run it off the event loop.
 */
public final class QueryApi {

  /** A request, authenticated. */
  public record Request(String method, String path, Map<String, List<String>> query, String accept,
      Identity who) {}

  /** The answer: status, content type, body, and any other headers (the console's security headers). */
  public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    public Response(int status, String contentType, byte[] body) {
      this(status, contentType, body, Map.of());
    }
  }

  private static final Logger LOG = Logger.getLogger(QueryApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String PREFIX = "/apis/" + ApiDiscovery.GROUP_VERSION;
  private static final Pattern NAMESPACED = Pattern.compile(Pattern.quote(PREFIX)
      + "/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/([a-z]+)(?:/([^/]+))?(?:/([a-z]+))?/?");
  /**
   * The web console's pages: {@code .../namespaces/NS/console/PAGE}. Under the API's own path, so kube-apiserver
   * authenticates the user and proxies them here (and {@code kubectl proxy} opens them with the user's
   * credentials); kube-apiserver authorizes {@code get console} first, the console then the events it shows.
   */
  private static final Pattern CONSOLE = Pattern.compile(Pattern.quote(PREFIX)
      + "/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/console(?:/([^/]*))?");
  /** The most events of one order (per namespace) an Order shows; beyond, it is refused rather than cut. */
  static final int MOST_ORDER_EVENTS = 5000;

  private final EventStore events;
  private final Console console;
  private final KubernetesClient client;
  private final AccessReviews reviews;
  private final Duration timeout;
  private final Clock clock;

  /** @param timeout the longest one store read may take */
  public QueryApi(Pool pool, KubernetesClient client, AccessReviews reviews, Duration timeout, Clock clock) {
    this.events = new EventStore(pool);
    this.console = new Console(new ConsoleReads(pool), this::consoleFlow, timeout, clock);
    this.client = client;
    this.reviews = reviews;
    this.timeout = timeout;
    this.clock = clock;
  }

  public Response handle(Request request) {
    boolean pretty = request.query().containsKey("pretty")
        && !List.of("false", "0").contains(String.valueOf(request.query().get("pretty").get(0)));
    Matcher page = CONSOLE.matcher(request.path());
    if (page.matches()) {
      return console(request, page.group(1), page.group(3));
    }
    try {
      if (!"GET".equals(request.method())) {
        throw QueryException.methodNotAllowed(request.method() + " is not supported: " + ApiDiscovery.GROUP
            + " is read-only (get, list)");
      }
      return route(request, pretty);
    } catch (QueryException e) {
      return json(e.code(), StatusErrors.of(e), "application/json", pretty);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Query %s failed", request.path());
      return json(500, StatusErrors.of(StatusErrors.internal("the query failed: " + e)), "application/json",
          pretty);
    }
  }

  private Response console(Request request, String namespace, String page) {
    ConsoleResponse answer = console.handle(new ConsoleRequest(request.method(), namespace, page, request.query()),
        new ConsoleAccessReviews(reviews, request.who()));
    return new Response(answer.status(), answer.contentType(), answer.body(), answer.headers());
  }

  /** A Flow of the namespace for the console's flow page; empty when missing, unreadable or invalid. */
  private Optional<FlowHops> consoleFlow(String namespace, String name) {
    try {
      return Optional.of(flowHops(namespace, name));
    } catch (QueryException e) {
      // The page says the Flow is not there or not valid; the reason goes to the log, not to the page.
      LOG.debugf("Console: no usable Flow %s/%s: %s", namespace, name, e.getMessage());
      return Optional.empty();
    }
  }

  private Response route(Request request, boolean pretty) {
    String path = request.path();
    if (path.equals("/apis") || path.equals("/apis/")) {
      if (request.accept() != null && request.accept().contains("APIGroupDiscoveryList")) {
        // No aggregated discovery: kube-apiserver falls back to /apis/GROUP/VERSION on a 404.
        throw new QueryException(404, "NotFound", "aggregated discovery is not served", null, null);
      }
      return ok(ApiDiscovery.groupList(), pretty);
    }
    if (path.equals("/apis/" + ApiDiscovery.GROUP) || path.equals("/apis/" + ApiDiscovery.GROUP + "/")) {
      return ok(ApiDiscovery.group(), pretty);
    }
    if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      return ok(ApiDiscovery.resourceList(), pretty);
    }
    if (path.equals(PREFIX + "/" + ApiDiscovery.EVENTS) || path.equals(PREFIX + "/" + ApiDiscovery.ORDERS)) {
      throw QueryException.methodNotAllowed("listing across namespaces is not supported: name a namespace"
          + " (-n NAMESPACE); every read is authorized in one namespace");
    }
    Matcher m = NAMESPACED.matcher(path);
    if (!m.matches()) {
      throw new QueryException(404, "NotFound", "the server could not find the requested resource " + path, null,
          null);
    }
    String namespace = m.group(1);
    String resource = m.group(3);
    String name = m.group(4);
    String subresource = m.group(5);
    boolean table = EventTables.wanted(request.accept());
    if (ApiDiscovery.EVENTS.equals(resource) && name == null) {
      return list(request, namespace, table, pretty);
    }
    if (ApiDiscovery.EVENTS.equals(resource) && subresource == null) {
      return get(request, namespace, name, table, pretty);
    }
    if (ApiDiscovery.EVENTS.equals(resource) && ApiDiscovery.BODY.equals(subresource)) {
      return body(request, namespace, name, pretty);
    }
    if (ApiDiscovery.ORDERS.equals(resource) && name == null) {
      throw QueryException.methodNotAllowed("orders cannot be listed: get one by its correlation id");
    }
    if (ApiDiscovery.ORDERS.equals(resource) && subresource == null) {
      return order(request, namespace, name, pretty);
    }
    throw new QueryException(404, "NotFound", "the server could not find the requested resource " + path, null,
        null);
  }

  private Response list(Request request, String namespace, boolean table, boolean pretty) {
    reviews.require(new Question(request.who(), "list", namespace, ApiDiscovery.EVENTS, null, null));
    Instant now = clock.instant();
    ListRequest list = ListParameters.list(request.query(), now);
    EventFilter f = list.filter();
    EventPage page;
    if (f.namespace() != null && !f.namespace().equals(namespace)) {
      page = new EventPage(List.of(), null);
    } else {
      page = await(events.list(new EventQuery(namespace, f.route(), f.state(), list.since(), list.until(),
          f.correlationId(), f.type(), null, list.limit(), list.after(), f.lastOutcome(), f.senderWorkload(),
          f.name())), "list events");
    }
    String token = page.next() == null ? null
        : ContinueTokens.encode(new ContinueTokens.Position(page.next(), list.since(), list.until()), list.filters());
    if (table) {
      return json(200, EventTables.of(page.events(), token, list.includeObject(), now), EventTables.MEDIA_TYPE,
          pretty);
    }
    ObjectNode answer = JsonNodeFactory.instance.objectNode().put("apiVersion", ApiDiscovery.GROUP_VERSION)
        .put("kind", "JournalEventList");
    ObjectNode metadata = answer.putObject("metadata");
    if (token != null) {
      metadata.put("continue", token);
    }
    ArrayNode items = answer.putArray("items");
    page.events().forEach(e -> items.add(EventObjects.event(e, null)));
    return ok(answer, pretty);
  }

  private Response get(Request request, String namespace, String name, boolean table, boolean pretty) {
    reviews.require(new Question(request.who(), "get", namespace, ApiDiscovery.EVENTS, null, name));
    IncludeObject include = ListParameters.get(request.query(), Set.of());
    EventTrace trace = trace(namespace, name, ApiDiscovery.EVENTS);
    if (table) {
      return json(200, EventTables.of(List.of(trace.event()), null, include, clock.instant()),
          EventTables.MEDIA_TYPE, pretty);
    }
    return ok(EventObjects.event(trace), pretty);
  }

  private Response body(Request request, String namespace, String name, boolean pretty) {
    reviews.require(new Question(request.who(), "get", namespace, ApiDiscovery.EVENTS, ApiDiscovery.BODY, name));
    ListParameters.get(request.query(), Set.of());
    EventTrace trace = trace(namespace, name, ApiDiscovery.EVENTS);
    return ok(EventObjects.body(trace.event(), trace.attempts()), pretty);
  }

  private EventTrace trace(String namespace, String name, String resource) {
    UUID id;
    try {
      id = UUID.fromString(name);
    } catch (IllegalArgumentException e) {
      throw QueryException.notFound(resource, name);
    }
    Optional<EventTrace> trace = await(events.trace(namespace, id), "read event " + name);
    return trace.orElseThrow(() -> QueryException.notFound(resource, name));
  }

  private Response order(Request request, String namespace, String correlationId, boolean pretty) {
    reviews.require(new Question(request.who(), "get", namespace, ApiDiscovery.ORDERS, null, correlationId));
    ListParameters.get(request.query(), Set.of("flow"));
    List<String> flowParam = request.query().get("flow");
    String flowName = flowParam == null || flowParam.get(0).isBlank() ? null : flowParam.get(0);
    List<StoredEvent> own = orderEvents(namespace, null, correlationId);
    List<StoredEvent> all = new ArrayList<>(own);
    FlowHops hops = null;
    List<OrderObjects.Hop> hopViews = new ArrayList<>();
    if (flowName != null) {
      hops = flowHops(namespace, flowName);
      for (int i = 0; i < hops.hops().size(); i++) {
        FlowHops.Hop hop = hops.hops().get(i);
        if (hop.namespace().equals(namespace)) {
          hopViews.add(new OrderObjects.Hop(i, hop, true,
              own.stream().filter(e -> e.route().equals(hop.route())).toList()));
          continue;
        }
        boolean readable = reviews.review(new Question(request.who(), "list", hop.namespace(), ApiDiscovery.EVENTS,
            null, null)).allowed();
        List<StoredEvent> there = readable ? orderEvents(hop.namespace(), hop.route(), correlationId) : List.of();
        all.addAll(there);
        hopViews.add(new OrderObjects.Hop(i, hop, readable, there));
      }
    }
    if (all.isEmpty()) {
      throw QueryException.notFound(ApiDiscovery.ORDERS, correlationId);
    }
    List<OrderObjects.Traced> traced = new ArrayList<>();
    for (StoredEvent e : all) {
      traced.add(new OrderObjects.Traced(e, await(events.attempts(e.id()), "read attempts of " + e.id())));
    }
    return ok(OrderObjects.of(namespace, correlationId, traced, flowName, hops, hopViews, clock.instant()), pretty);
  }

  private FlowHops flowHops(String namespace, String name) {
    Flow flow;
    try {
      flow = client.resources(Flow.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw StatusErrors.unavailable("cannot read Flow " + namespace + "/" + name + ": " + e.getMessage());
    }
    if (flow == null) {
      throw new QueryException(404, "NotFound", "flow: flows.rewind.dev \"" + name + "\" not found in namespace "
          + namespace, name, "flows");
    }
    List<String> problems = flow.getSpec() == null ? List.of("spec is missing")
        : FlowChecks.problems(flow.getSpec(), namespace);
    if (!problems.isEmpty()) {
      throw QueryException.badRequest("flow: Flow " + namespace + "/" + name + " is invalid: "
          + String.join("; ", problems));
    }
    return FlowHops.of(flow);
  }

  /** Every event of one order in a namespace (and route), all pages; more than {@link #MOST_ORDER_EVENTS}: refused. */
  private List<StoredEvent> orderEvents(String namespace, String route, String correlationId) {
    List<StoredEvent> found = new ArrayList<>();
    UUID after = null;
    do {
      EventPage page = await(events.list(new EventQuery(namespace, route, null, null, null, correlationId, null, null,
          EventQuery.LARGEST_LIMIT, after)), "list the order's events");
      found.addAll(page.events());
      after = page.next();
      if (found.size() > MOST_ORDER_EVENTS) {
        throw StatusErrors.internal("order " + correlationId + " has more than " + MOST_ORDER_EVENTS
            + " events in namespace " + namespace + "; list them with fieldSelector spec.correlationId="
            + correlationId + " instead");
      }
    } while (after != null);
    return found;
  }

  private <T> T await(Uni<T> read, String what) {
    try {
      return read.await().atMost(timeout);
    } catch (io.smallrye.mutiny.TimeoutException e) {
      throw new QueryException(504, "Timeout", "the journal store did not answer within " + timeout + " (" + what
          + ")", null, null);
    } catch (RuntimeException e) {
      throw StatusErrors.unavailable("the journal store failed to " + what + ": " + e.getMessage());
    }
  }

  private static Response ok(ObjectNode body, boolean pretty) {
    return json(200, body, "application/json", pretty);
  }

  private static Response json(int status, ObjectNode body, String contentType, boolean pretty) {
    try {
      return new Response(status, contentType, (pretty ? PRETTY : JSON).writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}

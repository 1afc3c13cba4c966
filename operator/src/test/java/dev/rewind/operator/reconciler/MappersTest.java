package dev.rewind.operator.reconciler;

import static dev.rewind.operator.testing.Objects.policy;
import static dev.rewind.operator.testing.Objects.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.PolicyReferences;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The secondary↔primary mappings of both controllers, over an index built with the same index function the
 * informers use ({@link PolicyReferences#indexKeys}).
 */
class MappersTest {

  private final List<Route> routes = List.of(
      route("team-a", "orders", 1, "http://b/", "quick"),
      route("team-a", "invoices", 1, "http://b/", "quick"),
      route("team-a", "audit", 1, "http://b/", "patient"),
      route("team-a", "plain", 1, "http://b/", null),
      // Same policy name in another namespace: references never cross namespaces.
      route("team-b", "orders", 1, "http://b/", "quick"));

  private final List<RetryPolicy> policies = List.of(
      policy("team-a", "quick", 1, 3), policy("team-a", "patient", 1, 6), policy("team-b", "quick", 1, 3));

  @Test
  void aPolicyMapsToTheRoutesOfItsNamespaceThatReferenceIt() {
    RoutesReferencingPolicy mapper = new RoutesReferencingPolicy(
        (namespace, name) -> index().getOrDefault(PolicyReferences.key(namespace, name), List.of()));

    assertThat(mapper.toPrimaryResourceIDs(policy("team-a", "quick", 2, 3)))
        .containsExactlyInAnyOrder(id("team-a", "orders"), id("team-a", "invoices"));
    assertThat(mapper.toPrimaryResourceIDs(policy("team-b", "quick", 2, 3)))
        .containsExactly(id("team-b", "orders"));
    assertThat(mapper.toPrimaryResourceIDs(policy("team-a", "unused", 1, 3))).isEmpty();
  }

  @Test
  void aRouteMapsToThePolicyItReferencesInItsOwnNamespace() {
    ReferencedPolicy mapper = new ReferencedPolicy();

    assertThat(mapper.toSecondaryResourceIDs(routes.get(0))).containsExactly(id("team-a", "quick"));
    assertThat(mapper.toSecondaryResourceIDs(routes.get(4))).containsExactly(id("team-b", "quick"));
    assertThat(mapper.toSecondaryResourceIDs(routes.get(3))).isEmpty();
  }

  @Test
  void aRouteEventRecountsEveryPolicyOfItsNamespace() {
    PoliciesToRecount mapper = new PoliciesToRecount(namespace -> policies.stream()
        .filter(p -> p.getMetadata().getNamespace().equals(namespace)));

    // Moving from quick to patient: quick's count drops, patient's rises; the event carries only the new Route.
    assertThat(mapper.toPrimaryResourceIDs(route("team-a", "orders", 2, "http://b/", "patient")))
        .containsExactlyInAnyOrder(id("team-a", "quick"), id("team-a", "patient"));
    // A reference to a policy that does not exist yet is mapped too, so its count is right once it appears.
    assertThat(mapper.toPrimaryResourceIDs(route("team-b", "new", 1, "http://b/", "later")))
        .containsExactlyInAnyOrder(id("team-b", "quick"), id("team-b", "later"));
    assertThat(mapper.toPrimaryResourceIDs(route("team-c", "lonely", 1, "http://b/", null))).isEmpty();
  }

  @Test
  void aPolicyCountsTheRoutesOfItsNamespaceThatReferenceIt() {
    RoutesOfPolicy mapper = new RoutesOfPolicy((indexName, key) -> {
      assertThat(indexName).isEqualTo(PolicyReferences.INDEX);
      return index().getOrDefault(key, List.of());
    });

    assertThat(mapper.toSecondaryResourceIDs(policy("team-a", "quick", 1, 3)))
        .containsExactlyInAnyOrder(id("team-a", "orders"), id("team-a", "invoices"));
    assertThat(mapper.toSecondaryResourceIDs(policy("team-a", "patient", 1, 3)))
        .containsExactly(id("team-a", "audit"));
  }

  @Test
  void theIndexKeyIsNamespaceAndPolicyName() {
    assertThat(PolicyReferences.indexKeys(routes.get(0))).containsExactly("team-a/quick");
    assertThat(PolicyReferences.indexKeys(routes.get(3))).isEmpty();
  }

  /** What the informer's indexer holds: index key → Routes. */
  private Map<String, List<Route>> index() {
    Map<String, List<Route>> index = new HashMap<>();
    routes.forEach(r -> PolicyReferences.indexKeys(r)
        .forEach(key -> index.computeIfAbsent(key, k -> new ArrayList<>()).add(r)));
    return index;
  }

  private static ResourceID id(String namespace, String name) {
    return new ResourceID(name, namespace);
  }
}

package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.operator.health.RouteHealthBoard;
import dev.rewind.operator.model.PolicyCheck;
import dev.rewind.operator.model.PolicyReferences;
import dev.rewind.operator.model.RouteHealthReading;
import dev.rewind.operator.model.RouteOutcome;
import dev.rewind.operator.model.RouteStatuses;
import dev.rewind.operator.model.StatusConditions;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.store.StoreUnavailableException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Route → the journal store. Each pass starts from the full state (the Route, its RetryPolicy from the informer
 * cache): resolve and check it ({@link RouteResolver}, the same verdict standalone mode gives), publish the
 * resolved route when it can be served, and write the status only when it changed. Publishing an unchanged route
 * writes nothing in the store either, so a resync is free.
 *
 * <p>A store failure propagates to JOSDK, which calls {@link #updateErrorStatus} (Ready=False, StoreUnavailable)
 * and retries with backoff. Deleting a Route unpublishes it ({@link Cleaner}: the store is state outside the
 * cluster, so a finalizer holds the Route until that succeeded); its journaled events stay.
 *
 * <p>On the leader the status also carries the route's delivery health ({@code status.delivery} and the
 * {@code Healthy} condition) from the latest {@link RouteHealthBoard} reading, and {@link RouteHealthEvents} records
 * what changed as Events; a changed reading triggers a pass through the {@value #HEALTH} event source.
 */
@ControllerConfiguration(name = RouteReconciler.NAME)
public final class RouteReconciler implements Reconciler<Route>, Cleaner<Route> {

  public static final String NAME = "route";
  /** The RetryPolicy event source. */
  static final String POLICIES = "retry-policies";
  /** The health event source. */
  static final String HEALTH = "route-health";

  private static final Logger LOG = Logger.getLogger(RouteReconciler.class);

  private final RouteResolver resolver;
  private final RouteDestinations destinations;
  private final RouteStore store;
  private final Clock clock;
  private final RouteHealthBoard health;
  private final RouteHealthEvents healthEvents;
  /** Health readings that changed reach the reconciler through this source. */
  private final SimpleInboundEventSource<Route> healthChanges = new SimpleInboundEventSource<>(HEALTH);

  /**
   * @param health the leader's route health readings (empty on a replica that does not lead, or without a store to
   *     read them from)
   * @param instance this replica's name, reported on the Route's Events
   */
  public RouteReconciler(RouteResolver resolver, RouteStore store, Clock clock, RouteHealthBoard health,
      String instance) {
    this(resolver, store, clock, health, instance, RouteDestinations.NONE);
  }

  /** @param destinations told each Route's destination, for the Kubernetes-aware hold of deliveries */
  public RouteReconciler(RouteResolver resolver, RouteStore store, Clock clock, RouteHealthBoard health,
      String instance, RouteDestinations destinations) {
    this.destinations = destinations;
    this.resolver = resolver;
    this.store = store;
    this.clock = clock;
    this.health = health;
    this.healthEvents = new RouteHealthEvents(clock, instance);
  }

  /** The health reading of {@code namespace/route} changed: reconcile the Route to show it. */
  public void healthChanged(String key) {
    int slash = key.indexOf('/');
    healthChanges.propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
  }

  @Override
  public List<EventSource<?, Route>> prepareEventSources(EventSourceContext<Route> context) {
    context.getPrimaryCache().addIndexer(PolicyReferences.INDEX, PolicyReferences::indexKeys);
    var policies = InformerEventSourceConfiguration.from(RetryPolicy.class, Route.class)
        .withName(POLICIES)
        .withSecondaryToPrimaryMapper(new RoutesReferencingPolicy((namespace, policy) ->
            context.getPrimaryCache().byIndex(PolicyReferences.INDEX, PolicyReferences.key(namespace, policy))))
        .withPrimaryToSecondaryMapper(new ReferencedPolicy())
        // Only the spec of a policy matters to a Route; its status (the Route count) changes with every Route.
        .withOnUpdateFilter((updated, old) ->
            !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
        .build();
    return List.of(new InformerEventSource<>(policies, context), healthChanges);
  }

  @Override
  public UpdateControl<Route> reconcile(Route route, Context<Route> context) {
    Optional<RetryPolicy> policy = context.getSecondaryResource(RetryPolicy.class);
    PolicyCheck refs = PolicyCheck.of(route, policy);
    destinations.seen(route.getMetadata().getNamespace(), route.getMetadata().getName(),
        route.getSpec() == null || route.getSpec().getDestination() == null ? null
            : route.getSpec().getDestination().getUrl());
    RouteResolver.Result resolution = resolver.resolve(route, byName(policy));
    RouteOutcome outcome = resolution.ok()
        ? publish(route, resolution)
        : new RouteOutcome.Refused(resolution.reason(), resolution.message());
    RouteHealthReading reading = reading(route);
    RouteStatus desired = RouteStatuses.desired(route, refs, outcome, reading, clock.instant());
    healthEvents.record(context.getClient(), route, desired, reading);
    if (!StatusPatches.changed(route, desired)) {
      return UpdateControl.noUpdate();
    }
    logTransition(route, desired);
    return UpdateControl.patchStatus(StatusPatches.minimal(route, desired, Route::new));
  }

  @Override
  public ErrorStatusUpdateControl<Route> updateErrorStatus(Route route, Context<Route> context, Exception e) {
    PolicyCheck refs = PolicyCheck.of(route, context.getSecondaryResource(RetryPolicy.class));
    RouteOutcome.Failed failed = e instanceof StoreUnavailableException
        ? new RouteOutcome.Failed(RouteStatuses.STORE_UNAVAILABLE, e.getMessage())
        : new RouteOutcome.Failed(RouteStatuses.RECONCILE_FAILED, e.getClass().getSimpleName() + ": "
            + e.getMessage());
    RouteStatus desired = RouteStatuses.desired(route, refs, failed, reading(route), clock.instant());
    // JOSDK logs the exception itself and keeps retrying; the status tells the user.
    return StatusPatches.changed(route, desired)
        ? ErrorStatusUpdateControl.patchStatus(StatusPatches.minimal(route, desired, Route::new))
        : ErrorStatusUpdateControl.noStatusUpdate();
  }

  @Override
  public DeleteControl cleanup(Route route, Context<Route> context) {
    String namespace = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    healthEvents.forget(namespace, name);
    destinations.gone(namespace, name);
    if (store.unpublish(namespace, name)) {
      LOG.infof("%s: Route deleted; unpublished it (its journaled events stay)", StatusPatches.id(route));
    }
    return DeleteControl.defaultDelete();
  }

  /** Puts the resolved route in the store; a store failure propagates (see {@link #updateErrorStatus}). */
  private RouteOutcome publish(Route route, RouteResolver.Result resolution) {
    ResolvedRoute resolved = resolution.route();
    if (store.publish(resolved)) {
      LOG.infof("%s: published generation %d %s", StatusPatches.id(route), resolved.generation(),
          resolved.policyName() == null ? "without a RetryPolicy"
              : "with RetryPolicy " + resolved.policyName() + " (generation " + resolved.policyGeneration() + ")");
    }
    return new RouteOutcome.Published(resolved);
  }

  private RouteHealthReading reading(Route route) {
    return health == null ? null : health.reading(route.getMetadata().getNamespace(), route.getMetadata().getName());
  }

  private static Map<String, RetryPolicy> byName(Optional<RetryPolicy> policy) {
    return policy.map(p -> Map.of(p.getMetadata().getName(), p)).orElse(Map.of());
  }

  private static void logTransition(Route route, RouteStatus desired) {
    StatusConditions.find(desired.getConditions(), RouteStatus.READY)
        .filter(ready -> StatusConditions.isTransition(
            route.getStatus() == null ? null : route.getStatus().getConditions(), ready))
        .ifPresent(ready -> LOG.infof("%s: Ready=%s (%s): %s", StatusPatches.id(route), ready.getStatus(),
            ready.getReason(), ready.getMessage()));
  }
}

package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyStatus;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.PolicyReferences;
import dev.rewind.operator.model.RetryPolicyStatuses;
import dev.rewind.operator.model.StatusConditions;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * RetryPolicy → its status: Ready when the spec resolves (the checks the CRD schema cannot make), and
 * {@code routes}, how many Routes of the namespace reference it, recounted whenever a Route appears, disappears or
 * changes its reference. Nothing outside the cluster is touched, so no finalizer.
 */
@ControllerConfiguration(name = RetryPolicyReconciler.NAME)
public final class RetryPolicyReconciler implements Reconciler<RetryPolicy> {

  public static final String NAME = "retry-policy";
  /** The Route event source. */
  static final String ROUTES = "routes";

  private static final Logger LOG = Logger.getLogger(RetryPolicyReconciler.class);

  private final Clock clock;

  public RetryPolicyReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, RetryPolicy>> prepareEventSources(EventSourceContext<RetryPolicy> context) {
    // The Route→policy mapping reads the Route informer's own index, which exists once the source is built.
    AtomicReference<InformerEventSource<Route, RetryPolicy>> routes = new AtomicReference<>();
    var configuration = InformerEventSourceConfiguration.from(Route.class, RetryPolicy.class)
        .withName(ROUTES)
        .withSecondaryToPrimaryMapper(new PoliciesToRecount(namespace -> context.getPrimaryCache().list(namespace)))
        .withPrimaryToSecondaryMapper(new RoutesOfPolicy((index, key) -> routes.get().byIndex(index, key)))
        // A Route's status and most of its spec do not change any count; a new reference does.
        .withOnUpdateFilter((updated, old) -> !Objects.equals(PolicyReferences.referencedPolicy(updated),
            PolicyReferences.referencedPolicy(old)))
        .build();
    InformerEventSource<Route, RetryPolicy> source = new InformerEventSource<>(configuration, context);
    source.addIndexers(Map.of(PolicyReferences.INDEX, PolicyReferences::indexKeys));
    routes.set(source);
    return List.of(source);
  }

  @Override
  public UpdateControl<RetryPolicy> reconcile(RetryPolicy policy, Context<RetryPolicy> context) {
    int routes = context.getSecondaryResources(Route.class).size();
    RetryPolicyStatus desired = RetryPolicyStatuses.desired(policy, routes, clock.instant());
    if (!StatusPatches.changed(policy, desired)) {
      return UpdateControl.noUpdate();
    }
    desired.getConditions().stream()
        .filter(ready -> StatusConditions.isTransition(
            policy.getStatus() == null ? null : policy.getStatus().getConditions(), ready))
        .forEach(ready -> LOG.infof("%s: %s=%s (%s): %s", StatusPatches.id(policy), ready.getType(),
            ready.getStatus(), ready.getReason(), ready.getMessage()));
    return UpdateControl.patchStatus(StatusPatches.minimal(policy, desired, RetryPolicy::new));
  }
}

package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a new replay may fix its matched set, decided from its request alone before the store is touched: what
 * it selects (its selectors resolved against the start instant) and under which override policy, or why it is
 * refused. Pure. Every refusal names the spec field at fault, and its reason becomes the Failed condition's.
 *
 * <p>Checked in this order, so the first problem a user fixes is the one they see: the selectors (a spec the API
 * server let through but that cannot be resolved, such as a since that overflows or an until not after since),
 * then flowRef's Flow (it must exist, be ready, and have the hop in this namespace), then the routes (each must exist: a misspelt name would otherwise match nothing and end Succeeded), then
 * override.retryPolicyRef.
 *
 * @param selection what the replay matches, when admitted; with flowRef still to be narrowed to the stopped orders
 *     ({@link ReplaySelection#withOrders}) once the Flow's verdict is read
 * @param flow what spec.flowRef covers, when admitted and set
 * @param overridePolicy the spec override.retryPolicyRef names, when admitted and set
 * @param refusal why it is refused, or null when admitted
 */
public record ReplayAdmission(ReplaySelection selection, FlowScope flow, RetryPolicySpec overridePolicy,
    ReplayRefusal refusal) {

  /**
   * @param startedAt when the replay starts: durations in since/until count back from it
   */
  public static ReplayAdmission of(ReplayRequest request, Instant startedAt) {
    try {
      ReplaySelection.checkSelectors(request.spec(), startedAt);
    } catch (IllegalArgumentException e) {
      return refused(ReplayRefusal.INVALID_SPEC, e.getMessage());
    }
    FlowScope flow = null;
    String flowName = request.spec().getFlowRef() == null ? null : request.spec().getFlowRef().getName();
    if (flowName != null && request.flow() == null) {
      return refused(ReplayRefusal.FLOW_NOT_FOUND, "spec.flowRef.name: Flow \"" + flowName
          + "\" not found in namespace " + request.namespace());
    }
    if (flowName != null && !request.flow().ready()) {
      return refused(ReplayRefusal.FLOW_NOT_READY, "spec.flowRef.name: Flow \"" + flowName
          + "\" cannot be evaluated: " + String.join("; ", request.flow().problems()));
    }
    if (flowName != null) {
      try {
        flow = FlowScope.of(request.namespace(), request.spec().getFlowRef(), request.flow());
      } catch (IllegalArgumentException e) {
        return refused(ReplayRefusal.INVALID_SPEC, e.getMessage());
      }
    }
    ReplaySelection selection = ReplaySelection.of(request.namespace(), request.spec(), flow, startedAt);
    List<String> missing = request.missingRoutes();
    if (!missing.isEmpty()) {
      return refused(ReplayRefusal.ROUTE_NOT_FOUND, request.routesField() + ": "
          + (missing.size() == 1 ? "Route " : "Routes ")
          + missing.stream().map(name -> "\"" + name + "\"").collect(Collectors.joining(", "))
          + " not found in namespace " + request.namespace());
    }
    String policyName = request.overridePolicyName();
    RetryPolicySpec override = policyName == null ? null : request.policies().get(policyName);
    if (policyName != null && override == null) {
      return refused(ReplayRefusal.RETRY_POLICY_NOT_FOUND, "spec.override.retryPolicyRef.name: RetryPolicy \""
          + policyName + "\" not found in namespace " + request.namespace());
    }
    return new ReplayAdmission(selection, flow, override, null);
  }

  public boolean admitted() {
    return refusal == null;
  }

  private static ReplayAdmission refused(String reason, String message) {
    return new ReplayAdmission(null, null, null, new ReplayRefusal(reason, message));
  }
}

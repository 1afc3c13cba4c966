package dev.rewind.operator.model;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;

/** What a reconciliation of a Route achieved; {@link RouteStatuses} turns it into the Route's status. */
public sealed interface RouteOutcome {

  /** The resolved route is in the store (published now, or already there unchanged). */
  record Published(ResolvedRoute route) implements RouteOutcome {}

  /** The Route cannot be served as written; nothing was published for this generation. */
  record Refused(RouteResolver.Reason reason, String message) implements RouteOutcome {}

  /** The reconciliation failed and will be retried, e.g. the journal store did not answer. */
  record Failed(String reason, String message) implements RouteOutcome {}
}

package dev.rewind.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to do about each namespace's store credentials (its database role and its {@code rewind-store} Secret), from
 * what is observed. Pure: the operator's {@code TenantCredentials} observes and acts.
 *
 * <ul>
 *   <li>A namespace with Rewind objects (a Route or a captured pod) and no Secret gets its role and Secret
 *       ({@link Action#CREATE}).
 *   <li>Its Secret asks for a rotation (annotation {@code rewind.dev/rotate} differs from the
 *       {@code rewind.dev/rotated-for} the operator wrote), or the store has no role for it (a restored or new
 *       store): a new password, first in the store, then in the Secret ({@link Action#ROTATE}).
 *   <li>A namespace without Rewind objects loses its role and the Secret the operator made ({@link Action#REMOVE}).
 *   <li>A Secret of that name the operator did not make (no {@code rewind.dev/store-credentials} label: one a
 *       platform team or the chart's shared password put there) is never touched ({@link Action#LEAVE}).
 * </ul>
 */
public final class TenantPlan {

  /** The Secret of a namespace, as observed. */
  public enum SecretState {
    ABSENT,
    /** Made by the operator, no rotation asked for. */
    MANAGED,
    /** Made by the operator, a rotation asked for. */
    ROTATION_REQUESTED,
    /** Not the operator's. */
    FOREIGN
  }

  public enum Action { CREATE, ROTATE, REMOVE, LEAVE }

  public record Step(String namespace, Action action, boolean dropRole, boolean deleteSecret) {}

  private TenantPlan() {}

  /**
   * @param inUse namespaces with a Route or a captured pod
   * @param withRole namespaces the store has a role for
   * @param secrets the Secret of every namespace in either set (absent ones may be missing from the map)
   * @return the steps, namespaces in order; a namespace needing nothing has none
   */
  public static List<Step> plan(Set<String> inUse, Set<String> withRole, Map<String, SecretState> secrets) {
    Set<String> all = new TreeSet<>(inUse);
    all.addAll(withRole);
    secrets.forEach((ns, state) -> {
      if (state != SecretState.ABSENT) {
        all.add(ns);
      }
    });
    List<Step> steps = new ArrayList<>();
    for (String ns : all) {
      SecretState secret = secrets.getOrDefault(ns, SecretState.ABSENT);
      boolean role = withRole.contains(ns);
      if (secret == SecretState.FOREIGN) {
        if (inUse.contains(ns)) {
          steps.add(new Step(ns, Action.LEAVE, false, false));
        } else if (role) {
          steps.add(new Step(ns, Action.REMOVE, true, false));
        }
      } else if (!inUse.contains(ns)) {
        if (role || secret != SecretState.ABSENT) {
          steps.add(new Step(ns, Action.REMOVE, role, secret != SecretState.ABSENT));
        }
      } else if (secret == SecretState.ABSENT) {
        steps.add(new Step(ns, Action.CREATE, false, false));
      } else if (secret == SecretState.ROTATION_REQUESTED || !role) {
        steps.add(new Step(ns, Action.ROTATE, false, false));
      }
    }
    return steps;
  }
}

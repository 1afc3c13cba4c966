package dev.rewind.api.manifest;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;

/**
 * Validated, defaulted Rewind objects read from files, with the file each came from (key: Kind/namespace/name).
 */
public record Manifests(
    List<Route> routes, List<RetryPolicy> retryPolicies, List<Replay> replays, List<Flow> flows,
    Map<String, String> sources) {

  public static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  /** The file an object was read from, for error messages that point at it. */
  public String sourceOf(HasMetadata object) {
    return sources.get(key(object));
  }
}

package dev.rewind.cli;

import dev.rewind.api.manifest.ManifestException;
import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.manifest.Problem;
import dev.rewind.api.manifest.Violation;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a standalone replay needs: the Replay file, validated and defaulted against the CRD, and the Routes
 * and RetryPolicies of its namespace from the config directory, resolved as the standalone sidecar resolves them.
 * Every problem names the file and the field.
 */
final class ReplayFiles {

  /**
   * @param routes the Routes of the replay's namespace that resolved, by name
   * @param policies the RetryPolicies of the replay's namespace, by name
   * @param notes things worth saying that do not stop the replay
   */
  record Input(Replay replay, String source, Map<String, ResolvedRoute> routes,
      Map<String, RetryPolicySpec> policies, List<String> notes) {

    String namespace() {
      return replay.getMetadata().getNamespace();
    }

    String name() {
      return replay.getMetadata().getName();
    }
  }

  private ReplayFiles() {}

  /**
   * @param namespace the namespace of objects whose metadata names none
   * @throws ManifestException naming the file, object and field of every problem
   */
  static Input read(Path file, Path configDir, String namespace) {
    Manifests manifests = new ManifestReader(namespace).read(file);
    String source = file.toString();
    if (manifests.replays().size() != 1 || !manifests.routes().isEmpty()
        || !manifests.retryPolicies().isEmpty()) {
      throw new ManifestException(List.of(new Problem(source, 0, null, new Violation("kind",
          "expected exactly one Replay, found " + manifests.replays().size() + " Replays, "
              + manifests.routes().size() + " Routes and " + manifests.retryPolicies().size()
              + " RetryPolicies (Routes and RetryPolicies belong in the config directory, " + configDir + ")"))));
    }
    Replay replay = manifests.replays().get(0);
    String replayNamespace = replay.getMetadata().getNamespace();
    String label = "Replay \"" + replay.getMetadata().getName() + "\"";

    Manifests config = Files.isDirectory(configDir) ? new ManifestReader(namespace).read(configDir) : null;
    Map<String, RetryPolicy> policyObjects = new HashMap<>();
    Map<String, RetryPolicySpec> policies = new HashMap<>();
    if (config != null) {
      for (RetryPolicy p : config.retryPolicies()) {
        if (replayNamespace.equals(p.getMetadata().getNamespace())) {
          policyObjects.put(p.getMetadata().getName(), p);
          policies.put(p.getMetadata().getName(), p.getSpec());
        }
      }
    }

    List<Problem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    var override = replay.getSpec().getOverride();
    if (override != null && override.getRetryPolicyRef() != null
        && !policies.containsKey(override.getRetryPolicyRef().getName())) {
      problems.add(new Problem(source, 0, label, new Violation("spec.override.retryPolicyRef.name",
          "RetryPolicy \"" + override.getRetryPolicyRef().getName() + "\" not found in " + configDir
              + " (namespace " + replayNamespace + ")")));
    }

    Map<String, ResolvedRoute> routes = new HashMap<>();
    RouteResolver resolver = new RouteResolver(AddressPolicy.standalone());
    List<String> wanted = replay.getSpec().routeNames();
    for (String name : wanted) {
      Route route = config == null ? null : config.routes().stream()
          .filter(r -> name.equals(r.getMetadata().getName())
              && replayNamespace.equals(r.getMetadata().getNamespace()))
          .findFirst().orElse(null);
      if (route == null) {
        notes.add("Route \"" + name + "\" is not in " + configDir + ": its events go to the URL they were"
            + " captured for, " + (override != null && override.getRetryPolicyRef() != null
            ? "under the override policy" : "one attempt each"));
        continue;
      }
      RouteResolver.Result result = resolver.resolve(route, policyObjects);
      if (result.ok()) {
        routes.put(name, result.route());
      } else {
        String field = result.reason() == RouteResolver.Reason.RetryPolicyNotFound
            || result.reason() == RouteResolver.Reason.InvalidRetryPolicy
            ? "spec.retryPolicyRef.name" : "spec.destination.url";
        problems.add(new Problem(config.sourceOf(route), 0, "Route \"" + name + "\"",
            new Violation(field, result.reason() + ": " + result.message())));
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Input(replay, source, routes, policies, notes);
  }
}

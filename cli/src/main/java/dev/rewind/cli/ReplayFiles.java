package dev.rewind.cli;

import dev.rewind.api.manifest.ManifestException;
import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.manifest.Problem;
import dev.rewind.api.manifest.Violation;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.spec.SecretKeySelector;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.DirectorySecretSource;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.replay.FlowScope;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a standalone replay needs: the Replay file, validated and defaulted against the CRD, and the Routes
 * and RetryPolicies of its namespace from the config directory, resolved as the standalone sidecar resolves them,
 * under the address policy of this process's delivery settings. Every problem names the file and the field, and
 * all of them are found before anything is sent:
 *
 * <ul>
 *   <li>a route the Replay names that is not in the config directory (a misspelt name would match nothing);
 *   <li>an override.retryPolicyRef that is not there either;
 *   <li>an override.destination.url the address policy refuses (checked on the host as written; the deliverer
 *       checks every resolved address again when it sends);
 *   <li>a replayed route that signs with a secret the secrets directory does not hold (every attempt would fail).
 * </ul>
 */
final class ReplayFiles {

  /**
   * @param routes the Routes of the replay's namespace that resolved, by name
   * @param policies the RetryPolicies of the replay's namespace, by name
   * @param notes things worth saying that do not stop the replay
   * @param flow the Flow spec.flowRef names, resolved against the config directory's Routes; null without
   *     flowRef
   */
  record Input(Replay replay, String source, Map<String, ResolvedRoute> routes,
      Map<String, RetryPolicySpec> policies, List<String> notes, FlowRoutes flow) {

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
   * @param addresses where events may be delivered: the same policy the standalone sidecar applies
   * @param secretsDir where signing secrets are read, {@code <dir>/<secret>/<key>}; null when none was given
   * @throws ManifestException naming the file, object and field of every problem
   */
  static Input read(Path file, Path configDir, String namespace, AddressPolicy addresses, Path secretsDir) {
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

    if (override != null && override.getDestination() != null) {
      boolean kafka = override.getDestination().getKafka() != null;
      String refusal = kafka ? kafkaRefusal(override.getDestination().getKafka().getBootstrapServers(), addresses)
          : refusal(override.getDestination().getUrl(), addresses);
      if (refusal != null) {
        problems.add(new Problem(source, 0, label, new Violation(kafka
            ? "spec.override.destination.kafka.bootstrapServers" : "spec.override.destination.url",
            refusal + " (settings " + DeliverySettings.ALLOW_LOOPBACK + ", " + DeliverySettings.BLOCKED_CIDRS
                + ")")));
      }
    }

    FlowRoutes flow = null;
    List<String> wanted = replay.getSpec().routeNames();
    String routesField = replay.getSpec().getRouteRef() != null ? "spec.routeRef.name" : "spec.routes";
    ReplayFlowReference flowRef = replay.getSpec().getFlowRef();
    if (flowRef != null) {
      routesField = "spec.flowRef.name";
      flow = flow(config, replayNamespace, flowRef.getName());
      if (flow == null) {
        problems.add(new Problem(source, 0, label, new Violation(routesField, "FlowNotFound: Flow \""
            + flowRef.getName() + "\" not found in " + configDir + " (namespace " + replayNamespace + ")")));
        wanted = List.of();
      } else if (!flow.ready()) {
        problems.add(new Problem(source, 0, label, new Violation(routesField, "FlowNotReady: Flow \""
            + flowRef.getName() + "\" cannot be evaluated: " + String.join("; ", flow.problems()))));
        wanted = List.of();
      } else {
        wanted = FlowScope.routesHere(replayNamespace, flowRef, flow.hops());
      }
    }
    Map<String, ResolvedRoute> routes = new HashMap<>();
    RouteResolver resolver = new RouteResolver(addresses);
    for (String name : wanted) {
      Route route = config == null ? null : config.routes().stream()
          .filter(r -> name.equals(r.getMetadata().getName())
              && replayNamespace.equals(r.getMetadata().getNamespace()))
          .findFirst().orElse(null);
      if (route == null) {
        problems.add(new Problem(source, 0, label, new Violation(routesField, "RouteNotFound: Route \"" + name
            + "\" not found in " + configDir + " (namespace " + replayNamespace + ")")));
        continue;
      }
      RouteResolver.Result result = resolver.resolve(route, policyObjects);
      if (result.ok()) {
        routes.put(name, result.route());
        String missingSecret = missingSecret(route, replayNamespace, secretsDir);
        if (missingSecret != null) {
          problems.add(new Problem(config.sourceOf(route), 0, "Route \"" + name + "\"",
              new Violation("spec.signing.secretRef", missingSecret)));
        }
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
    return new Input(replay, source, routes, policies, notes, flow);
  }

  /**
   * The Flow named so in the config directory's namespace, resolved against the directory's Routes as the operator
   * resolves one against the API server's; null when there is none.
   */
  private static FlowRoutes flow(Manifests config, String namespace, String name) {
    if (config == null) {
      return null;
    }
    Flow flow = config.flows().stream().filter(f -> name.equals(f.getMetadata().getName())
        && namespace.equals(f.getMetadata().getNamespace())).findFirst().orElse(null);
    if (flow == null) {
      return null;
    }
    Map<String, Route> routes = new HashMap<>();
    config.routes().forEach(r -> routes.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r));
    return FlowRoutes.resolve(flow, routes);
  }

  /** Why the address policy refuses a bootstrap server's host as written, or null. */
  private static String kafkaRefusal(java.util.List<String> servers, AddressPolicy addresses) {
    for (String server : servers) {
      String refusal = addresses.refusalForHost(
          dev.rewind.api.v1alpha1.route.spec.KafkaDestinations.host(server));
      if (refusal != null) {
        return "bootstrap server " + server + " is refused by the address policy (" + refusal + ")";
      }
    }
    return null;
  }

  /** Why the address policy refuses the URL's host as written, or null. */
  private static String refusal(String url, AddressPolicy addresses) {
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return "\"" + url + "\" is not a URL: " + e.getMessage();
    }
    if (host == null) {
      return "\"" + url + "\" names no host";
    }
    String refusal = addresses.refusalForHost(host);
    return refusal == null ? null : "destination " + url + " is refused by the address policy (" + refusal + ")";
  }

  /**
   * Why a route that signs cannot be signed for from here, or null: no secrets directory was given, or it holds
   * no such secret key. Said up front, naming the secret, the key and the directory looked in, rather than by
   * every attempt failing with a config error.
   */
  private static String missingSecret(Route route, String namespace, Path secretsDir) {
    if (route.getSpec().getSigning() == null || route.getSpec().getSigning().getSecretRef() == null) {
      return null;
    }
    SecretKeySelector ref = route.getSpec().getSigning().getSecretRef();
    String wanted = "secret \"" + ref.getName() + "\" key \"" + ref.getKey() + "\"";
    if (secretsDir == null) {
      return "the route signs with " + wanted + ", but no --secrets-dir was given to read it from"
          + " (<dir>/" + ref.getName() + "/" + ref.getKey() + ")";
    }
    if (new DirectorySecretSource(secretsDir).get(namespace, ref.getName(), ref.getKey()) == null) {
      return "the route signs with " + wanted + ", which is not in " + secretsDir + " (looked for "
          + secretsDir.resolve(ref.getName()).resolve(ref.getKey()) + ")";
    }
    return null;
  }
}

package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Points an application container at the sidecar: {@code REWIND_URL} for explicit capture and, unless the pod turned
 * the proxy off, {@code HTTP_PROXY}/{@code http_proxy} with {@code NO_PROXY}/{@code no_proxy}.
 *
 * <p>Only the pod's regular containers are wired. Init containers and other sidecars do infrastructure work (fetch
 * configuration, migrate, ship logs) whose traffic has nothing to capture and would only load a small-heap proxy;
 * one that must be captured can set {@code HTTP_PROXY} itself: the sidecar is the first init container and is
 * started before it.
 *
 * <p>Nothing the user set is overwritten. Both spellings are checked together, because clients disagree on which
 * wins (curl prefers {@code http_proxy}, Go {@code HTTP_PROXY}): a container with its own proxy keeps it and gets
 * no proxy variables from us at all (a note says so), and one with its own {@code NO_PROXY} keeps its list.
 * Variables from {@code envFrom} are invisible at admission and lose to explicit {@code env}; WEBHOOK.md says so.
 */
final class ApplicationWiring {

  static final String REWIND_URL = "REWIND_URL";
  private static final Set<String> PROXY_VARS = Set.of("HTTP_PROXY", "http_proxy");
  private static final Set<String> NO_PROXY_VARS = Set.of("NO_PROXY", "no_proxy");

  private ApplicationWiring() {}

  /** Adds the variables to {@code container} in place; returns notes on what was left as the user had it. */
  static List<String> wire(Container container, SidecarTemplate template, CaptureAnnotations pod) {
    List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
    Set<String> names = env.stream().map(EnvVar::getName).collect(Collectors.toSet());
    List<String> notes = new ArrayList<>();
    String loopback = "http://127.0.0.1:";

    if (!addIfAbsent(env, names, REWIND_URL, loopback + template.ports().capture())) {
      notes.add("container " + container.getName() + " sets REWIND_URL itself; kept as it is");
    }
    if (pod.proxy()) {
      if (names.stream().anyMatch(PROXY_VARS::contains)) {
        notes.add("container " + container.getName() + " sets HTTP_PROXY itself; kept, Rewind's proxy not wired"
            + " (capture through REWIND_URL)");
      } else {
        String proxy = loopback + template.ports().proxy();
        addIfAbsent(env, names, "HTTP_PROXY", proxy);
        addIfAbsent(env, names, "http_proxy", proxy);
        if (names.stream().anyMatch(NO_PROXY_VARS::contains)) {
          notes.add("container " + container.getName() + " sets NO_PROXY itself; kept as it is");
        } else {
          String noProxy = NoProxyList.join(template.noProxy(), pod.noProxy());
          addIfAbsent(env, names, "NO_PROXY", noProxy);
          addIfAbsent(env, names, "no_proxy", noProxy);
        }
      }
    }
    container.setEnv(env);
    return notes;
  }

  private static boolean addIfAbsent(List<EnvVar> env, Set<String> names, String name, String value) {
    if (!names.add(name)) {
      return false;
    }
    env.add(new EnvVarBuilder().withName(name).withValue(value).build());
    return true;
  }
}

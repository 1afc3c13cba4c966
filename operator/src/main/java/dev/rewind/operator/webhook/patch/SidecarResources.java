package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sidecar's requests and limits: the operator's defaults with the pod's overrides on top.
 *
 * <p>An override that would leave a request above its limit is dropped (with a note): the API server refuses such a
 * pod outright, so honouring the override would turn a resource typo into a workload that cannot start.
 */
final class SidecarResources {

  private SidecarResources() {}

  record Resolved(ResourceRequirements requirements, List<String> problems) {}

  static Resolved resolve(SidecarTemplate.Resources defaults, CaptureAnnotations pod) {
    List<String> problems = new ArrayList<>();
    Pair cpu = pair("cpu", defaults.cpuRequest(), defaults.cpuLimit(), pod.cpuRequest(), pod.cpuLimit(),
        CaptureAnnotations.CPU_REQUEST, CaptureAnnotations.CPU_LIMIT, problems);
    Pair memory = pair("memory", defaults.memoryRequest(), defaults.memoryLimit(), pod.memoryRequest(),
        pod.memoryLimit(), CaptureAnnotations.MEMORY_REQUEST, CaptureAnnotations.MEMORY_LIMIT, problems);

    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", cpu.request());
    requests.put("memory", memory.request());
    Map<String, Quantity> limits = new LinkedHashMap<>();
    cpu.limit().ifPresent(l -> limits.put("cpu", l));
    memory.limit().ifPresent(l -> limits.put("memory", l));
    ResourceRequirements requirements = new ResourceRequirementsBuilder()
        .withRequests(requests).withLimits(limits.isEmpty() ? null : limits).build();
    return new Resolved(requirements, problems);
  }

  private record Pair(Quantity request, Optional<Quantity> limit) {}

  private static Pair pair(String resource, Quantity defaultRequest, Optional<Quantity> defaultLimit,
      Optional<Quantity> requestOverride, Optional<Quantity> limitOverride, String requestKey, String limitKey,
      List<String> problems) {
    Quantity request = requestOverride.orElse(defaultRequest);
    Optional<Quantity> limit = limitOverride.or(() -> defaultLimit);
    if (limit.isEmpty() || !exceeds(request, limit.get())) {
      return new Pair(request, limit);
    }
    // Keep whichever side the pod did not override; drop the override(s) that cause the conflict.
    if (requestOverride.isPresent() && limitOverride.isPresent()) {
      problems.add(requestKey + " " + request + " exceeds " + limitKey + " " + limit.get()
          + "; both ignored, the operator's " + resource + " defaults apply");
      return new Pair(defaultRequest, defaultLimit);
    }
    if (requestOverride.isPresent()) {
      problems.add(requestKey + " " + request + " exceeds the " + resource + " limit " + limit.get()
          + "; ignored (set " + limitKey + " too)");
      return new Pair(defaultRequest, limit);
    }
    problems.add(limitKey + " " + limit.get() + " is below the " + resource + " request " + request
        + "; ignored (set " + requestKey + " too)");
    return new Pair(request, defaultLimit);
  }

  private static boolean exceeds(Quantity request, Quantity limit) {
    return Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) > 0;
  }
}

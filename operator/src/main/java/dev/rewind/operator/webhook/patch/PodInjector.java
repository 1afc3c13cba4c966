package dev.rewind.operator.webhook.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a Pod into the JSON Patch that adds the Rewind sidecar: pure code, no I/O, so every case is a table-driven
 * unit test.
 *
 * <p>The patch is not written by hand: the pod is cloned, the clone is changed with the typed model, and
 * {@link JsonDiff} computes the difference. Both sides are serialised the same way, so fields the model does not
 * know are carried along unchanged and never show up as removals.
 */
public final class PodInjector {

  // Fabric8 model classes carry their own Jackson annotations (quantities, int-or-string, unknown fields).
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SidecarTemplate template;

  public PodInjector(SidecarTemplate template) {
    this.template = Objects.requireNonNull(template);
  }

  /** Reads a Pod from the JSON of an admission request. */
  public static Pod readPod(JsonNode object) throws JsonProcessingException {
    return JSON.treeToValue(object, Pod.class);
  }

  public Injection inject(Pod pod) {
    ObjectMeta metadata = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    if (!CaptureAnnotations.mentionsCapture(metadata.getAnnotations())) {
      return Injection.unchanged(Injection.Outcome.SKIPPED, List.of());
    }
    if (hasSidecar(pod)) {
      return Injection.unchanged(Injection.Outcome.ALREADY_INJECTED, List.of());
    }
    CaptureAnnotations annotations = CaptureAnnotations.parse(metadata.getAnnotations());
    if (!annotations.capture()) {
      if (annotations.problems().isEmpty()) {
        return Injection.unchanged(Injection.Outcome.SKIPPED, List.of());
      }
      // A typo (capture: "yes") must leave a trace on the pod, not only in a warning its controller swallows.
      List<String> notes = annotations.problems();
      return new Injection(Injection.Outcome.SKIPPED, diff(pod, clone -> annotate(clone, notes)), notes, null);
    }
    List<String> obstacles = obstacles(pod);
    if (!obstacles.isEmpty()) {
      List<String> notes = concat(obstacles, annotations.problems());
      return new Injection(Injection.Outcome.NOT_INJECTED, diff(pod, clone -> annotate(clone, notes)), notes, null);
    }

    String workload = WorkloadName.of(metadata, annotations.workload());
    List<String> notes = new ArrayList<>(annotations.problems());
    ArrayNode patch = diff(pod, clone -> addSidecar(clone, annotations, workload, notes));
    return new Injection(Injection.Outcome.INJECTED, patch, notes, workload);
  }

  /** Mutates the clone, appending to {@code notes} whatever it leaves as the user had it. */
  private void addSidecar(Pod clone, CaptureAnnotations annotations, String workload, List<String> notes) {
    PodSpec spec = clone.getSpec();
    SidecarResources.Resolved resources = SidecarResources.resolve(template.resources(), annotations);
    notes.addAll(resources.problems());

    Set<String> volumeNames = names(spec.getVolumes());
    SidecarVolumes.Plan volumes = SidecarVolumes.plan(template.storePasswordSecret(), template.storePasswordKey(),
        annotations.signingSecrets(), volumeNames);
    notes.addAll(volumes.notes());
    List<Volume> allVolumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
    allVolumes.addAll(volumes.volumesToAdd());
    spec.setVolumes(allVolumes);

    // First, so that it runs before every other init container and the application.
    List<Container> init = new ArrayList<>(spec.getInitContainers() == null ? List.of() : spec.getInitContainers());
    init.add(0, SidecarContainer.build(template, annotations, workload, resources.requirements(), volumes.mounts()));
    spec.setInitContainers(init);

    for (Container container : spec.getContainers()) {
      notes.addAll(ApplicationWiring.wire(container, template, annotations));
    }

    Map<String, String> labels = new LinkedHashMap<>(
        clone.getMetadata().getLabels() == null ? Map.of() : clone.getMetadata().getLabels());
    labels.put(CaptureAnnotations.INJECTED_LABEL, "true");
    clone.getMetadata().setLabels(labels);
    annotate(clone, notes);
  }

  /**
   * Why the sidecar cannot run in this pod. Injecting anyway would not fail the admission but the pod: a port
   * already bound makes the sidecar crash-loop, and as a native sidecar it then keeps the application from starting.
   */
  private List<String> obstacles(Pod pod) {
    List<String> obstacles = new ArrayList<>();
    PodSpec spec = pod.getSpec();
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      // On the host network the loopback-only ports would be the node's, shared with every host-network pod.
      obstacles.add("the pod uses the host network; Rewind's sidecar was not injected");
    }
    Set<Integer> ours = Set.copyOf(template.ports().all());
    Stream.concat(stream(spec.getInitContainers()), stream(spec.getContainers())).forEach(container -> {
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getContainerPort() != null && ours.contains(port.getContainerPort())) {
          obstacles.add("container " + container.getName() + " declares port " + port.getContainerPort()
              + ", which the Rewind sidecar needs; sidecar not injected");
        }
      }
    });
    return obstacles;
  }

  private static boolean hasSidecar(Pod pod) {
    return Stream.concat(stream(pod.getSpec().getInitContainers()), stream(pod.getSpec().getContainers()))
        .anyMatch(c -> SidecarContainer.NAME.equals(c.getName()));
  }

  private static void annotate(Pod clone, List<String> notes) {
    if (notes.isEmpty()) {
      return;
    }
    Map<String, String> annotations = new LinkedHashMap<>(clone.getMetadata().getAnnotations());
    annotations.put(CaptureAnnotations.NOTES, String.join("; ", notes));
    clone.getMetadata().setAnnotations(annotations);
  }

  private interface Mutation {
    void apply(Pod clone);
  }

  private static ArrayNode diff(Pod pod, Mutation mutation) {
    JsonNode before = JSON.valueToTree(pod);
    Pod clone;
    try {
      clone = JSON.treeToValue(before, Pod.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Pod that was just serialised cannot be read back", e);
    }
    mutation.apply(clone);
    return (ArrayNode) JsonDiff.asJson(before, JSON.valueToTree(clone), DiffFlags.dontNormalizeOpIntoMoveAndCopy());
  }

  private static Stream<Container> stream(List<Container> containers) {
    return containers == null ? Stream.empty() : containers.stream();
  }

  private static Set<String> names(List<Volume> volumes) {
    return volumes == null ? Set.of() : volumes.stream().map(Volume::getName).collect(Collectors.toSet());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}

package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which workload a pod belongs to, for {@code REWIND_WORKLOAD}: Routes can be limited to workloads, so every replica
 * of a Deployment must report the same name, whatever its ReplicaSet or pod name.
 *
 * <p>In order: the {@code rewind.dev/workload} annotation; the controlling owner (a ReplicaSet's name without the
 * {@code pod-template-hash} suffix, which is what a Deployment names it; a StatefulSet, DaemonSet, Job or any other
 * owner by its name); the {@code app.kubernetes.io/name} label; the pod's {@code generateName} prefix; its name.
 *
 * <p>Pods of a CronJob report the Job's name, which changes every run; such pods should carry
 * {@code rewind.dev/workload} in the CronJob's pod template. Guessing from the Job name's numeric suffix would
 * misname Jobs that merely end in digits.
 */
public final class WorkloadName {

  static final String POD_TEMPLATE_HASH = "pod-template-hash";
  static final String APP_NAME = "app.kubernetes.io/name";

  private WorkloadName() {}

  public static String of(ObjectMeta metadata, Optional<String> override) {
    if (override.isPresent()) {
      return override.get();
    }
    Map<String, String> labels = metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    return owner(metadata.getOwnerReferences())
        .map(owner -> "ReplicaSet".equals(owner.getKind()) ? withoutHash(owner.getName(), labels) : owner.getName())
        .or(() -> Optional.ofNullable(labels.get(APP_NAME)).filter(n -> !n.isBlank()))
        .or(() -> Optional.ofNullable(metadata.getGenerateName()).map(WorkloadName::prefix).filter(n -> !n.isEmpty()))
        .orElseGet(() -> metadata.getName() == null ? "unknown" : metadata.getName());
  }

  /** The controlling owner; without one, the first owner (a pod adopted by hand still belongs to something). */
  private static Optional<OwnerReference> owner(List<OwnerReference> owners) {
    if (owners == null || owners.isEmpty()) {
      return Optional.empty();
    }
    return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
        .or(() -> Optional.of(owners.get(0)))
        .filter(o -> o.getName() != null && !o.getName().isBlank());
  }

  /** {@code web-7d9c6b5f4} with label {@code pod-template-hash=7d9c6b5f4} is Deployment {@code web}. */
  private static String withoutHash(String replicaSet, Map<String, String> labels) {
    String hash = labels.get(POD_TEMPLATE_HASH);
    if (hash != null && !hash.isEmpty() && replicaSet.endsWith("-" + hash)) {
      return replicaSet.substring(0, replicaSet.length() - hash.length() - 1);
    }
    return replicaSet;
  }

  private static String prefix(String generateName) {
    String name = generateName;
    while (name.endsWith("-")) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }
}

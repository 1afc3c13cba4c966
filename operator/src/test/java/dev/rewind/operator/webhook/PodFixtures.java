package dev.rewind.operator.webhook;

import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import dev.rewind.operator.webhook.patch.NoProxyList;
import dev.rewind.operator.webhook.patch.SidecarTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Pods as workloads send them, the operator's default sidecar template, and ways to look into a result. */
public final class PodFixtures {

  public static final String STORE_URL = "postgresql://rewind@rewind-store.rewind-system.svc:5432/rewind";

  private PodFixtures() {}

  /** The template the operator builds from its defaults (see InjectorConfig). */
  public static SidecarTemplate defaultTemplate() {
    return new SidecarTemplate("rewind/sidecar:0.1.0", "IfNotPresent",
        new SidecarTemplate.Resources(new Quantity("50m"), new Quantity("96Mi"), Optional.empty(),
            Optional.of(new Quantity("160Mi"))),
        185, SidecarTemplate.Ports.DEFAULTS, STORE_URL, "rewind-store", "password",
        NoProxyList.defaults(STORE_URL, Optional.of("10.96.0.1"), List.of()));
  }

  /** An application container that passes Pod Security "restricted" on its own. */
  public static Container restrictedApp(String name) {
    return new ContainerBuilder().withName(name).withImage("shop/orders:1.4")
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .build();
  }

  /** A bare pod with one restricted application container, not asking for anything. */
  public static PodBuilder plainPod(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).addToLabels("app", "orders").endMetadata()
        .withNewSpec().withContainers(restrictedApp("app")).endSpec();
  }

  /** The same pod, asking for capture. */
  public static PodBuilder capturedPod(String name) {
    return plainPod(name).editMetadata().addToAnnotations(CaptureAnnotations.CAPTURE, "true").endMetadata();
  }

  public static Container sidecar(Pod pod) {
    return containers(pod).filter(c -> "rewind-sidecar".equals(c.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no rewind-sidecar in " + pod.getSpec()));
  }

  public static boolean hasSidecar(Pod pod) {
    return containers(pod).anyMatch(c -> "rewind-sidecar".equals(c.getName()));
  }

  public static Container container(Pod pod, String name) {
    return containers(pod).filter(c -> name.equals(c.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  /** The value of a plain env var, or null when absent (or set through valueFrom). */
  public static String env(Container container, String name) {
    return envVar(container, name).map(EnvVar::getValue).orElse(null);
  }

  public static Optional<EnvVar> envVar(Container container, String name) {
    return container.getEnv() == null ? Optional.empty()
        : container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
  }

  private static Stream<Container> containers(Pod pod) {
    return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream());
  }
}

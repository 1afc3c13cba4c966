package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rewind-sidecar} container: a native sidecar (an init container with {@code restartPolicy: Always}), so
 * the kubelet starts it before every later init container and the application, keeps it running beside them, and
 * stops it after them.
 *
 * <p>Its security context passes Pod Security "restricted" on its own (non-root uid, no privilege escalation, no
 * capabilities, RuntimeDefault seccomp) and its root filesystem is read-only, with an emptyDir at {@code /tmp} for
 * what the JVM and Vert.x write there.
 */
final class SidecarContainer {

  static final String NAME = "rewind-sidecar";
  static final String HEALTH_PORT_NAME = "rewind-health";
  static final String SECRETS_DIR = "/var/run/rewind/secrets";
  static final String PODINFO_DIR = "/var/run/rewind/podinfo";
  static final String STORE_DIR = "/var/run/rewind/store";

  private SidecarContainer() {}

  static Container build(SidecarTemplate template, CaptureAnnotations pod, String workload,
      ResourceRequirements resources, List<SidecarVolumes.Mount> mounts) {
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(template.image())
        .withImagePullPolicy(template.imagePullPolicy())
        .withRestartPolicy("Always")
        .addNewPort().withName(HEALTH_PORT_NAME).withContainerPort(template.ports().management())
        .withProtocol("TCP").endPort()
        .withEnv(env(template, pod, workload))
        .withResources(resources)
        .withVolumeMounts(mounts.stream().map(SidecarContainer::mount).toList())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(template.runAsUser())
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        // Startup waits for the process to serve (liveness), not for the store (readiness): a journal-store outage
        // must not stop pods from starting; while the store is down the sidecar answers captures 503 and the pod is
        // not Ready. Up to two minutes for a JVM on a busy node. The first probe waits the 2 s the JVM takes to serve
        // on an idle node: a probe before it listens is a Warning Event (Unhealthy, connection refused) on every new
        // pod, which teaches people to ignore Warnings.
        .withStartupProbe(probe("/q/health/live", 2, 1, 120, 1))
        .withReadinessProbe(probe("/q/health/ready", 0, 5, 3, 2))
        .withLivenessProbe(probe("/q/health/live", 0, 10, 3, 2))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  private static List<EnvVar> env(SidecarTemplate template, CaptureAnnotations pod, String workload) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value("REWIND_MODE", "cluster"));
    env.add(field("REWIND_NAMESPACE", "metadata.namespace"));
    // The pod's name is not known at admission for pods with generateName (the API server assigns it afterwards),
    // so it comes from the downward API at run time.
    env.add(field("REWIND_POD", "metadata.name"));
    env.add(value("REWIND_WORKLOAD", workload));
    // The pod's labels, from the downward API volume (SidecarVolumes): recorded with the sender for traces.
    env.add(value("REWIND_LABELS_FILE", PODINFO_DIR + "/labels"));
    if (!pod.routes().isEmpty()) {
      env.add(value("REWIND_ROUTES", String.join(",", pod.routes())));
    }
    env.add(value("REWIND_STORE_URL", template.storeUrl()));
    // The namespace's user and password, from its Secret mounted as files (SidecarVolumes): read for every new
    // connection, so a rotated password reaches the sidecar without a restart.
    env.add(value("REWIND_STORE_CREDENTIALS_DIR", STORE_DIR));
    // The operator migrates the journal schema; sidecars only check its version (and need no DDL rights).
    env.add(value("REWIND_STORE_MIGRATE", "false"));
    SidecarTemplate.Ports ports = template.ports();
    env.add(value("REWIND_CAPTURE_PORT", ports.capture()));
    env.add(value("REWIND_PROXY_PORT", ports.proxy()));
    if (!pod.proxy()) {
      env.add(value("REWIND_PROXY_ENABLED", "false"));
    }
    env.add(value("QUARKUS_HTTP_PORT", ports.admin()));
    // Health and metrics only, no event data: the kubelet probes the pod IP, so this one port is not loopback.
    env.add(value("QUARKUS_MANAGEMENT_HOST", "0.0.0.0"));
    env.add(value("QUARKUS_MANAGEMENT_PORT", ports.management()));
    if (!pod.signingSecrets().isEmpty()) {
      env.add(value("REWIND_SECRETS_DIR", SECRETS_DIR));
    }
    return env;
  }

  private static Probe probe(String path, int initialDelay, int period, int failureThreshold, int timeout) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(HEALTH_PORT_NAME)).withScheme("HTTP").endHttpGet()
        .withInitialDelaySeconds(initialDelay == 0 ? null : initialDelay)
        .withPeriodSeconds(period).withFailureThreshold(failureThreshold).withTimeoutSeconds(timeout)
        .build();
  }

  private static VolumeMount mount(SidecarVolumes.Mount mount) {
    return new VolumeMountBuilder().withName(mount.volume()).withMountPath(mount.path())
        .withReadOnly(mount.readOnly() ? Boolean.TRUE : null).build();
  }

  private static EnvVar value(String name, Object value) {
    return new EnvVarBuilder().withName(name).withValue(String.valueOf(value)).build();
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path)
        .endFieldRef().endValueFrom().build();
  }
}

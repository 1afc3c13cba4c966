package dev.rewind.e2e.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the kubelet makes of a container of a stored Pod, for a process started on this machine: the container's
 * environment with every {@code valueFrom} resolved, plus the variables the kubelet adds itself, and its volumes as
 * files. It stands in for the kubelet only where a test has no node; anything it cannot resolve faithfully fails
 * the test instead of being guessed.
 *
 * <p>The one liberty: a mount cannot be made at its real path ({@code /var/run/rewind/podinfo}) without a container,
 * so each is written under a directory of the test, and a variable whose value is a path under a mount (the labels
 * file) is given the same path under that directory.
 */
public final class ContainerRuntime {

  private final Pod pod;
  private final Map<String, Map<String, String>> secrets;
  private final Path root;

  /**
   * @param pod the pod as the API server stored it (named, in its namespace)
   * @param secrets the Secrets of the pod's namespace: name → key → value
   * @param root where the container's mounts are written
   */
  public ContainerRuntime(Pod pod, Map<String, Map<String, String>> secrets, Path root) {
    this.pod = pod;
    this.secrets = secrets;
    this.root = root;
  }

  /**
   * The container's environment: the kubelet's own variables ({@code HOSTNAME}, the Kubernetes API's service
   * links) and {@code imageEnvironment}, overridden by the container's {@code env} as the kubelet does.
   */
  public Map<String, String> environment(Container container, Map<String, String> imageEnvironment) {
    Map<String, String> env = new LinkedHashMap<>(imageEnvironment);
    env.put("HOSTNAME", pod.getMetadata().getName());
    env.putAll(serviceLinks("kubernetes", "10.96.0.1", 443, "https"));
    Map<String, String> mounts = mountPaths(container);
    for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      String value = variable.getValueFrom() == null ? variable.getValue() : resolve(variable);
      if (value == null) {
        continue;
      }
      if (value.contains("$(")) {
        throw new AssertionError(variable.getName() + " refers to another variable; this runtime does not expand"
            + " $(NAME) as the kubelet would: " + value);
      }
      env.put(variable.getName(), onThisMachine(value, mounts));
    }
    return env;
  }

  /**
   * The variables the kubelet writes into every container of the namespace for a Service (enableServiceLinks,
   * on by default), here for one port.
   */
  public static Map<String, String> serviceLinks(String service, String ip, int port, String portName) {
    String prefix = service.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_";
    String url = "tcp://" + ip + ":" + port;
    Map<String, String> env = new TreeMap<>();
    env.put(prefix + "SERVICE_HOST", ip);
    env.put(prefix + "SERVICE_PORT", Integer.toString(port));
    env.put(prefix + "SERVICE_PORT_" + portName.toUpperCase(java.util.Locale.ROOT).replace('-', '_'),
        Integer.toString(port));
    env.put(prefix + "PORT", url);
    env.put(prefix + "PORT_" + port + "_TCP", url);
    env.put(prefix + "PORT_" + port + "_TCP_PROTO", "tcp");
    env.put(prefix + "PORT_" + port + "_TCP_PORT", Integer.toString(port));
    env.put(prefix + "PORT_" + port + "_TCP_ADDR", ip);
    return env;
  }

  /** Writes the container's volumes under the root; returns mount path → directory on this machine. */
  public Map<String, String> mount(Container container) {
    Map<String, String> mounts = mountPaths(container);
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
          .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.getName() + " in the pod"));
      Path dir = Path.of(mounts.get(mount.getMountPath()));
      try {
        Files.createDirectories(dir);
        if (volume.getDownwardAPI() != null) {
          for (DownwardAPIVolumeFile item : volume.getDownwardAPI().getItems()) {
            Files.writeString(dir.resolve(item.getPath()), downward(item));
          }
        } else if (volume.getSecret() != null) {
          Map<String, String> secret = secrets.get(volume.getSecret().getSecretName());
          if (secret == null && !Boolean.TRUE.equals(volume.getSecret().getOptional())) {
            throw new AssertionError("the pod would not start: Secret " + volume.getSecret().getSecretName()
                + " is missing");
          }
          for (Map.Entry<String, String> key : (secret == null ? Map.<String, String>of() : secret).entrySet()) {
            Files.writeString(dir.resolve(key.getKey()), key.getValue());
          }
        } else if (volume.getEmptyDir() == null) {
          throw new AssertionError("this runtime cannot stand in for volume " + volume);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return mounts;
  }

  private Map<String, String> mountPaths(Container container) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
        : container.getVolumeMounts()) {
      mounts.put(mount.getMountPath(), root.resolve(mount.getMountPath().substring(1)).toString());
    }
    return mounts;
  }

  private String resolve(EnvVar variable) {
    EnvVarSource source = variable.getValueFrom();
    if (source.getFieldRef() != null) {
      return switch (source.getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> pod.getMetadata().getNamespace();
        default -> throw new AssertionError(variable.getName() + ": this runtime cannot resolve field "
            + source.getFieldRef().getFieldPath());
      };
    }
    if (source.getSecretKeyRef() != null) {
      String value = secrets.getOrDefault(source.getSecretKeyRef().getName(), Map.of())
          .get(source.getSecretKeyRef().getKey());
      if (value == null && !Boolean.TRUE.equals(source.getSecretKeyRef().getOptional())) {
        throw new AssertionError("the pod would not start (CreateContainerConfigError): " + variable.getName()
            + " needs Secret " + source.getSecretKeyRef().getName() + " key " + source.getSecretKeyRef().getKey());
      }
      return value;
    }
    throw new AssertionError(variable.getName() + ": this runtime cannot resolve " + source);
  }

  /** The downward API's file format: one {@code key="value"} line per label or annotation, sorted by key. */
  private String downward(DownwardAPIVolumeFile item) {
    String field = item.getFieldRef() == null ? "" : item.getFieldRef().getFieldPath();
    Map<String, String> values = switch (field) {
      case "metadata.labels" -> pod.getMetadata().getLabels();
      case "metadata.annotations" -> pod.getMetadata().getAnnotations();
      default -> throw new AssertionError("this runtime cannot write downward API field " + item);
    };
    StringBuilder file = new StringBuilder();
    new TreeMap<>(values).forEach((k, v) -> file.append(k).append("=\"")
        .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"\n"));
    return file.toString();
  }

  private static String onThisMachine(String value, Map<String, String> mounts) {
    for (Map.Entry<String, String> mount : mounts.entrySet()) {
      if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
        return mount.getValue() + value.substring(mount.getKey().length());
      }
    }
    return value;
  }
}

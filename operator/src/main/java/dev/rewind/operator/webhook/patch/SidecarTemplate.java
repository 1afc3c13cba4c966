package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every injected sidecar gets, from the operator's configuration ({@code rewind.injector.sidecar.*} and
 * {@code rewind.injector.store.*}); the pod's annotations may override the resources.
 *
 * @param image the sidecar image
 * @param imagePullPolicy the container's pull policy
 * @param resources requests and limits when the pod does not override them
 * @param runAsUser the non-root uid the sidecar runs as (the image's user)
 * @param ports where the sidecar listens; the application containers are wired to these
 * @param storeUrl {@code REWIND_STORE_URL}: the journal store as seen from the application's namespace
 * @param storePasswordSecret the Secret, in the pod's namespace, holding the store password
 * @param storePasswordKey the key of that Secret
 * @param noProxy the operator's {@code NO_PROXY} entries (see {@link NoProxyList})
 */
public record SidecarTemplate(
    String image,
    String imagePullPolicy,
    Resources resources,
    long runAsUser,
    Ports ports,
    String storeUrl,
    String storePasswordSecret,
    String storePasswordKey,
    List<String> noProxy) {

  public SidecarTemplate {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(storeUrl, "storeUrl");
    noProxy = List.copyOf(noProxy);
    if (runAsUser <= 0) {
      throw new IllegalArgumentException("the sidecar must run as a non-root uid, not " + runAsUser);
    }
  }

  /** The sidecar's ports. Capture, proxy and admin are bound to 127.0.0.1; management to every address. */
  public record Ports(int capture, int proxy, int admin, int management) {

    public Ports {
      List<Integer> all = List.of(capture, proxy, admin, management);
      if (all.stream().distinct().count() != all.size() || all.stream().anyMatch(p -> p < 1 || p > 65535)) {
        throw new IllegalArgumentException("sidecar ports must be distinct and in 1..65535: " + all);
      }
    }

    public static final Ports DEFAULTS = new Ports(4470, 4471, 4472, 4479);

    List<Integer> all() {
      return List.of(capture, proxy, admin, management);
    }
  }

  /** Requests and limits; an empty limit means none. */
  public record Resources(Quantity cpuRequest, Quantity memoryRequest, Optional<Quantity> cpuLimit,
      Optional<Quantity> memoryLimit) {}
}

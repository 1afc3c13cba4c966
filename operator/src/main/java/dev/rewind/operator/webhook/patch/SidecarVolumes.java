package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The volumes the sidecar mounts: {@code /tmp} (its root filesystem is read-only), the pod's labels through the
 * downward API, the namespace's store credentials, and one Secret volume per signing secret at {@code /var/run/rewind/secrets/<name>}, the layout the
 * sidecar reads ({@code <dir>/<secret>/<key>}).
 *
 * <p>Signing Secrets are {@code optional}: a Secret created after the pod, or never, must not keep the pod from
 * starting; the sidecar reports a route whose secret is missing. One volume per Secret rather than one projected
 * volume, because a projected Secret puts its keys at the volume's root, and the keys are unknown at admission.
 *
 * <p>A volume the pod already has under one of these names is the user's and is kept as it is (and mounted): that
 * is how a team gives the sidecar a larger {@code /tmp}, say.
 */
final class SidecarVolumes {

  static final String TMP = "rewind-tmp";
  static final String PODINFO = "rewind-podinfo";
  static final String SECRET_PREFIX = "rewind-secret-";
  static final String STORE = "rewind-store-credentials";

  private SidecarVolumes() {}

  record Mount(String volume, String path, boolean readOnly) {}

  /** What to add to the pod (only volumes it lacks) and what to mount in the sidecar. */
  record Plan(List<Volume> volumesToAdd, List<Mount> mounts, List<String> notes) {}

  static Plan plan(String storeSecret, String storeKey, List<String> signingSecrets,
      Set<String> existingVolumeNames) {
    List<Volume> wanted = new ArrayList<>();
    List<Mount> mounts = new ArrayList<>();
    wanted.add(new VolumeBuilder().withName(TMP).withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
        .build());
    mounts.add(new Mount(TMP, "/tmp", false));
    wanted.add(new VolumeBuilder().withName(PODINFO).withNewDownwardAPI()
        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
        .endDownwardAPI().build());
    mounts.add(new Mount(PODINFO, SidecarContainer.PODINFO_DIR, true));
    wanted.add(storeCredentials(storeSecret, storeKey));
    mounts.add(new Mount(STORE, SidecarContainer.STORE_DIR, true));
    for (String secret : signingSecrets) {
      String volume = secretVolumeName(secret, wanted.stream().map(Volume::getName).toList());
      wanted.add(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(secret).withOptional(true)
          .endSecret().build());
      mounts.add(new Mount(volume, SidecarContainer.SECRETS_DIR + "/" + secret, true));
    }
    List<Volume> toAdd = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Volume volume : wanted) {
      if (existingVolumeNames.contains(volume.getName())) {
        notes.add("volume " + volume.getName() + " is the pod's own; kept and mounted in the sidecar");
      } else {
        toAdd.add(volume);
      }
    }
    return new Plan(toAdd, mounts, notes);
  }

  /**
   * The namespace's store credentials as files, not environment variables: the kubelet rewrites a mounted Secret
   * when the operator rotates the password, and the sidecar reads the files for every new connection. Not
   * optional: without credentials the sidecar cannot journal, so the pod waits for the Secret (the operator creates
   * it for the namespace's first Route or captured pod). The whole Secret ({@code username} and {@code password})
   * under the default key; only the password, as {@code password}, under another key (a Secret the
   * platform team made, with one shared user).
   */
  private static Volume storeCredentials(String secret, String key) {
    VolumeBuilder volume = new VolumeBuilder().withName(STORE);
    if ("password".equals(key)) {
      return volume.withNewSecret().withSecretName(secret).endSecret().build();
    }
    return volume.withNewSecret().withSecretName(secret)
        .addNewItem().withKey(key).withPath("password").endItem().endSecret().build();
  }

  /**
   * A volume name (an RFC 1123 label of at most 63 characters) for a Secret name (a subdomain of up to 253): the
   * name itself when it fits and is not taken ({@code a.b} and {@code a-b} would both read {@code a-b}), else a
   * stable hash of it.
   */
  static String secretVolumeName(String secret, List<String> taken) {
    String candidate = SECRET_PREFIX + secret.replace('.', '-');
    if (candidate.length() <= 63 && !taken.contains(candidate)) {
      return candidate;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return SECRET_PREFIX + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

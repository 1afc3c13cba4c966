package dev.rewind.api.v1alpha1;

import dev.rewind.api.time.Durations;

/** Names shared by every rewind.dev/v1alpha1 kind, kept in one place so the model, the CRDs and the tools agree. */
public final class Rewind {

  public static final String GROUP = "rewind.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** {@code kubectl get rewind} lists every Rewind kind. */
  public static final String CATEGORY = "rewind";

  /** A DNS-1123 subdomain, the form Kubernetes requires of object names. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /**
   * A duration such as {@code 500ms}, {@code 10s}, {@code 1m30s} or {@code 24h}: the one grammar of
   * {@link Durations}, which parses exactly what this matches.
   */
  public static final String DURATION_PATTERN = Durations.PATTERN;

  private Rewind() {}
}

package dev.rewind.cli.kubectl;

/** What {@code kubectl rewind} exits with; listed in its help. */
final class KubeExitCodes {

  static final int OK = 0;
  /**
   * A replay ended other than Succeeded or Previewed; status: a route is not healthy; flow: the order is broken or
   * failed; or the cluster refused or failed the request (Forbidden, NotFound, unreachable), as kubectl exits 1.
   */
  static final int FAILED = 1;
  /** Invalid flags (picocli uses the same code for usage errors). */
  static final int INVALID = 2;

  private KubeExitCodes() {}
}

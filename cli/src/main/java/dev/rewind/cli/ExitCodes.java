package dev.rewind.cli;

/** What {@code rewind} exits with; listed in {@code rewind --help}. */
final class ExitCodes {

  static final int OK = 0;
  /** A replay ended Failed, PartiallyFailed or Cancelled: something needs a look. */
  static final int REPLAY_FAILED = 1;
  /** {@code rewind status}: a route is not healthy (dead events, a failing destination, an old backlog). */
  static final int UNHEALTHY = 1;
  /** Invalid arguments or files (picocli uses the same code for usage errors). */
  static final int INVALID = 2;
  /** The store could not be reached or used. */
  static final int STORE = 3;

  private ExitCodes() {}
}

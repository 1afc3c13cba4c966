package dev.rewind.sidecar.routes;

import dev.rewind.journal.flow.FlowHops;
import java.util.Optional;

/** Keeps the sidecar's route table current, from files (standalone) or from the store (in a cluster). */
public interface RouteSource extends AutoCloseable {

  /** Loads the routes once; throws when they cannot be loaded, so the sidecar does not start without them. */
  void start();

  /**
   * The Flow of this namespace named {@code name}, as last loaded. Only a standalone sidecar reads Flows (from its
   * config directory); in a cluster the operator follows them and the sidecar knows none.
   */
  default Optional<FlowHops> flow(String name) {
    return Optional.empty();
  }

  /** Whether the last load succeeded (readiness). */
  boolean healthy();

  @Override
  void close();
}

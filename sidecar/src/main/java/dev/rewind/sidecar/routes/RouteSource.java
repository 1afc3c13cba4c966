package dev.rewind.sidecar.routes;

/** Keeps the sidecar's route table current, from files (standalone) or from the store (in a cluster). */
public interface RouteSource extends AutoCloseable {

  /** Loads the routes once; throws when they cannot be loaded, so the sidecar does not start without them. */
  void start();

  /** Whether the last load succeeded (readiness). */
  boolean healthy();

  @Override
  void close();
}

package dev.rewind.journal.store;

/**
 * The store answers but its schema is older than this build needs, and this process may not migrate it: a sidecar
 * started before the operator's first use of a new store. Something else migrates it, so waiting can help.
 */
public final class SchemaBehindException extends IllegalStateException {

  private final int version;

  public SchemaBehindException(String message, int version) {
    super(message);
    this.version = version;
  }

  /** The version the store is at. */
  public int version() {
    return version;
  }
}

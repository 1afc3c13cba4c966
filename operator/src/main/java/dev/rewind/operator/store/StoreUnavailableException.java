package dev.rewind.operator.store;

/** The journal store did not answer in time or refused the operation; the reconciliation is retried. */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

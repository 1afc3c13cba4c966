package dev.rewind.journal.capture;

/** The journal could not durably take an event in time; nothing was acknowledged. */
public final class StoreUnavailable extends RuntimeException {

  public StoreUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}

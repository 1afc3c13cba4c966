package dev.rewind.journal.capture;

/**
 * The journal refused an event: the route already holds a different event (another body) under the same source
 * and id. Answered 409; acknowledging it as a duplicate would lose it.
 */
public final class CaptureRefused extends RuntimeException {

  public CaptureRefused(String message) {
    super(message);
  }
}

package dev.rewind.journal.replay;

import dev.rewind.journal.retry.ErrorClass;

/**
 * The most common way a replay's given-up events failed, from the last attempt of each: what the terminal message
 * of a Failed or PartiallyFailed replay says beyond "the policy gave up", so on-call reads the cause (a refused
 * destination, a 503, a timeout) in the status instead of tracing events one by one.
 *
 * @param count how many given-up events ended this way
 * @param errorClass the attempts' error class ({@code blocked}, {@code timeout}, ...), or null (or {@code http})
 *     when the destination answered
 * @param detail the attempts' error text, or the status code the destination answered
 * @param destination where one of those attempts went
 */
public record ReplayFailureSummary(long count, String errorClass, String detail, String destination) {

  /** "9 of the 9 failed with: ..." for a replay that gave up on {@code failed} events. */
  public String describe(long failed) {
    return count + " of the " + failed + " failed with: " + cause();
  }

  private String cause() {
    if (errorClass == null || ErrorClass.HTTP.wireName().equals(errorClass)) {
      return "HTTP " + detail + " from " + destination;
    }
    if (ErrorClass.BLOCKED.wireName().equals(errorClass)) {
      return "destination " + destination + " is refused by the address policy (" + detail + ")";
    }
    return errorClass + " — " + detail + " (" + destination + ")";
  }
}

package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.common.Condition;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The conditions of one status, built from what a reconciler decided in this pass and the conditions the object
 * carried before. Every reconciler builds its conditions here, so they all follow the same rules:
 *
 * <ul>
 *   <li>{@code lastTransitionTime} is carried over from the previous condition of the same type while its status
 *       and its reason stay the same; it becomes {@code now} when either changes or the condition is new. A new
 *       message or observedGeneration alone is not a transition. (A change of reason is: going from
 *       RetryPolicyNotFound to DestinationBlocked is a different problem, and its age should say so.)
 *   <li>each condition carries the generation the pass observed;
 *   <li>the result holds exactly the conditions set in this pass, in the order they were set, so a status computed
 *       twice from the same inputs is equal and the caller can skip the write.
 * </ul>
 *
 * <p>Conditions are only added through {@link #set}, which checks their shape; the result is an unmodifiable list
 * of fresh objects, never the previous ones, so nobody edits a condition behind the aggregator's back.
 */
public final class StatusConditions {

  /** metav1.Condition's rule for reasons: CamelCase, starting with a letter. */
  private static final Pattern REASON = Pattern.compile("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
  private static final Set<String> STATUSES = Set.of(Condition.TRUE, Condition.FALSE, Condition.UNKNOWN);
  /** The API server refuses longer messages in metav1.Condition; keep ours within the same bound. */
  static final int MAX_MESSAGE = 32768;

  private final Map<String, Condition> previous = new LinkedHashMap<>();
  private final Long generation;
  private final String now;
  private final Map<String, Condition> next = new LinkedHashMap<>();

  private StatusConditions(List<Condition> previous, Long generation, Instant now) {
    if (previous != null) {
      previous.stream().filter(Objects::nonNull).filter(c -> c.getType() != null)
          .forEach(c -> this.previous.putIfAbsent(c.getType(), c));
    }
    this.generation = generation;
    this.now = timestamp(now);
  }

  /**
   * Starts the conditions of a pass.
   *
   * @param previous the conditions the object carries now (null or empty for a new object)
   * @param generation the metadata.generation the pass observed
   * @param now the time of the pass, used for conditions that transition
   */
  public static StatusConditions after(List<Condition> previous, Long generation, Instant now) {
    return new StatusConditions(previous, generation, Objects.requireNonNull(now, "now"));
  }

  /** Sets condition {@code type} to True or False. */
  public StatusConditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? Condition.TRUE : Condition.FALSE, reason, message);
  }

  /**
   * Sets condition {@code type}; each type at most once per pass.
   *
   * @throws IllegalArgumentException if the status is not True, False or Unknown, or the reason is not CamelCase
   * @throws IllegalStateException if the type was already set in this pass
   */
  public StatusConditions set(String type, String status, String reason, String message) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("a condition needs a type");
    }
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("condition " + type + ": status must be True, False or Unknown, not "
          + status);
    }
    if (reason == null || !REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("condition " + type + ": reason must be CamelCase, not " + reason);
    }
    if (next.containsKey(type)) {
      throw new IllegalStateException("condition " + type + " was already set in this pass");
    }
    Condition before = previous.get(type);
    boolean transition = isTransition(before, status, reason) || before.getLastTransitionTime() == null;
    Condition condition = new Condition(type, status, reason, bounded(message));
    condition.setObservedGeneration(generation);
    condition.setLastTransitionTime(transition ? now : before.getLastTransitionTime());
    next.put(type, condition);
    return this;
  }

  /** The conditions set in this pass, in the order they were set. */
  public List<Condition> build() {
    return List.copyOf(next.values());
  }

  /** Whether {@code after} is a transition from the condition of its type in {@code before} (see above). */
  public static boolean isTransition(List<Condition> before, Condition after) {
    return isTransition(find(before, after.getType()).orElse(null), after.getStatus(), after.getReason());
  }

  private static boolean isTransition(Condition before, String status, String reason) {
    return before == null || !Objects.equals(status, before.getStatus()) || !Objects.equals(reason, before.getReason());
  }

  /** The condition of {@code type} in {@code conditions}, if any. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> c != null && type.equals(c.getType())).findFirst();
  }

  /** RFC 3339 in UTC with second precision, as metav1.Time serialises. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String bounded(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}

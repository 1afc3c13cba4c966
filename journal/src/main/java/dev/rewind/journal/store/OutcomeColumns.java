package dev.rewind.journal.store;

import java.util.List;

/**
 * Outcome writes as column arrays, for the batched statements of live delivery and replays: the attempt rows
 * ({@link AttemptColumns}) plus, per write, the lease token it is fenced by, the new state, the retry delay in
 * milliseconds and the attempt number its claim gave it.
 */
public record OutcomeColumns(AttemptColumns attempts, Long[] tokens, String[] states, Long[] delays,
    Integer[] claimed) {

  public static OutcomeColumns of(List<OutcomeWrite> outcomes) {
    AttemptColumns a = AttemptColumns.of(outcomes.stream().map(OutcomeWrite::attempt).toList());
    int n = outcomes.size();
    OutcomeColumns c = new OutcomeColumns(a, new Long[n], new String[n], new Long[n], new Integer[n]);
    for (int i = 0; i < n; i++) {
      OutcomeWrite o = outcomes.get(i);
      a.eventIds()[i] = o.eventId();
      c.claimed[i] = o.number();
      c.tokens[i] = o.leaseToken();
      c.states[i] = o.newState() == null ? null : o.newState().wireName();
      c.delays[i] = o.retryDelay() == null ? 0L : o.retryDelay().toMillis();
    }
    return c;
  }
}

package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.model.ReplayStep.Call;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine calls a reconciler tracks instead of waiting on them: one per replay, its end triggering a pass that
 * reports it once.
 */
class EngineCallsTest {

  private final EngineCalls<String> calls = new EngineCalls<>();
  private final UUID id = UUID.randomUUID();

  @Test
  void aCallIsUnderWayUntilItEndsThenAnsweredOnceThenForgotten() {
    CompletableFuture<String> engine = new CompletableFuture<>();
    List<Call> seenByTrigger = new ArrayList<>();
    boolean began = calls.begin(id, () -> Uni.createFrom().completionStage(engine),
        () -> seenByTrigger.add(calls.state(id)));

    assertThat(began).isTrue();
    assertThat(calls.poll(id).state()).isEqualTo(Call.UNDER_WAY);

    engine.complete("Running");

    // The trigger runs once the answer can be polled, so the pass it starts reports it.
    assertThat(seenByTrigger).containsExactly(Call.ANSWERED);
    EngineCalls.Poll<String> answered = calls.poll(id);
    assertThat(answered.state()).isEqualTo(Call.ANSWERED);
    assertThat(answered.answer()).isEqualTo("Running");
    assertThat(calls.poll(id).state()).isEqualTo(Call.NONE);
  }

  @Test
  void aSecondCallForTheSameReplayIsNotMadeWhileOneIsUnderWayOrUnreported() {
    AtomicInteger made = new AtomicInteger();
    CompletableFuture<String> engine = new CompletableFuture<>();

    calls.begin(id, () -> {
      made.incrementAndGet();
      return Uni.createFrom().completionStage(engine);
    }, () -> { });
    assertThat(calls.begin(id, () -> {
      made.incrementAndGet();
      return Uni.createFrom().item("again");
    }, () -> { })).isFalse();
    engine.complete("first");
    assertThat(calls.begin(id, () -> Uni.createFrom().item("again"), () -> { })).isFalse();

    assertThat(made).hasValue(1);
    assertThat(calls.poll(id).answer()).isEqualTo("first");
    assertThat(calls.begin(id, () -> Uni.createFrom().item("second"), () -> { })).isTrue();
    assertThat(calls.poll(id).answer()).isEqualTo("second");
  }

  @Test
  void aFailedCallIsThrownWhenPolledAndForgottenSoTheNextPassTriesAgain() {
    AtomicInteger triggers = new AtomicInteger();
    calls.begin(id, () -> Uni.createFrom().failure(new IllegalStateException("journal store: no answer in time")),
        triggers::incrementAndGet);

    assertThat(triggers).hasValue(1);
    assertThatThrownBy(() -> calls.poll(id)).isInstanceOf(IllegalStateException.class)
        .hasMessage("journal store: no answer in time");
    assertThat(calls.state(id)).isEqualTo(Call.NONE);
  }

  @Test
  void aCallThatCannotEvenBeMadeIsAFailedCall() {
    calls.begin(id, () -> {
      throw new IllegalArgumentException("bad uid");
    }, () -> { });

    assertThatThrownBy(() -> calls.poll(id)).hasMessage("bad uid");
  }

  @Test
  void forgettingDropsAnAnswerButNeverACallUnderWay() {
    CompletableFuture<String> engine = new CompletableFuture<>();
    calls.begin(id, () -> Uni.createFrom().completionStage(engine), () -> { });

    calls.forget(id);
    assertThat(calls.state(id)).isEqualTo(Call.UNDER_WAY);

    engine.complete("Running");
    calls.forget(id);
    assertThat(calls.state(id)).isEqualTo(Call.NONE);
  }

  @Test
  void callsOfDifferentReplaysAreIndependent() {
    UUID other = UUID.randomUUID();
    calls.begin(id, () -> Uni.createFrom().item("one"), () -> { });
    calls.begin(other, () -> Uni.createFrom().item("two"), () -> { });

    assertThat(calls.poll(other).answer()).isEqualTo("two");
    assertThat(calls.poll(id).answer()).isEqualTo("one");
  }
}

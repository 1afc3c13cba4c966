package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.retry.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's guarantees with lanes that misbehave on purpose: whatever an attempt does (throw, fail, never
 * end), it becomes a recorded write and its slot comes back; a write the store refuses does not hold back others.
 */
class AttemptPipelineTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** A lane whose attempts and writes do what the test says; committed writes are "job:outcome". */
  private static final class ScriptedLane implements AttemptPipeline.Lane<String, String> {
    final Function<String, Uni<AttemptResult>> attempts;
    final Function<List<String>, Uni<?>> writes;
    final List<String> committed = new CopyOnWriteArrayList<>();
    final Map<String, String> errors = new ConcurrentHashMap<>();
    Duration deadline = Duration.ofSeconds(10);

    ScriptedLane(Function<String, Uni<AttemptResult>> attempts, Function<List<String>, Uni<?>> writes) {
      this.attempts = attempts;
      this.writes = writes;
    }

    @Override
    public Uni<AttemptResult> attempt(String job) {
      return attempts.apply(job);
    }

    @Override
    public Duration deadline(String job) {
      return deadline;
    }

    @Override
    public String outcome(String job, AttemptResult result) {
      if (result.error() != null) {
        errors.put(job, result.error());
      }
      return job + ":" + result.outcome().token();
    }

    @Override
    public Uni<?> write(List<String> batch) {
      return writes.apply(batch);
    }

    @Override
    public void committed(String write) {
      committed.add(write);
    }

    @Override
    public String describe(String job) {
      return job;
    }

    @Override
    public String describeWrite(String write) {
      return write;
    }
  }

  private static Uni<AttemptResult> ok() {
    return Uni.createFrom().item(new AttemptResult(Instant.now(), 1, Outcome.status(200), null, List.of(),
        new byte[0]));
  }

  private static Uni<?> stored(List<String> batch) {
    return Uni.createFrom().item(batch.size());
  }

  private AttemptPipeline<String, String> pipeline(ScriptedLane lane, int concurrency) {
    return new AttemptPipeline<>(vertx, lane, concurrency, 1024, new DeliveryMetrics(meters), nanos::get);
  }

  @Test
  void anAttemptThatThrowsOrFailsIsRecordedAsAnInternalErrorAndGivesItsSlotBack() {
    ScriptedLane lane = new ScriptedLane(job -> switch (job) {
      case "throws" -> throw new IllegalStateException("defect");
      case "fails" -> Uni.createFrom().failure(new IllegalArgumentException("broken"));
      default -> ok();
    }, AttemptPipelineTest::stored);
    AttemptPipeline<String, String> pipeline = pipeline(lane, 1);

    pipeline.enqueueAll(List.of("throws", "fails", "fine"));

    await().atMost(WAIT).until(pipeline::idle);
    assertThat(lane.committed).containsExactlyInAnyOrder("throws:internal-error", "fails:internal-error",
        "fine:delivered");
    assertThat(lane.errors.get("throws")).isEqualTo("internal error: IllegalStateException: defect");
    assertThat(meters.counter("rewind.attempts.internal.errors").count()).isEqualTo(2);
  }

  @Test
  void anAttemptThatNeverEndsIsCutAtItsHardDeadlineAndTheNextOneRuns() {
    ScriptedLane lane = new ScriptedLane(job -> job.equals("hangs") ? Uni.createFrom().nothing() : ok(),
        AttemptPipelineTest::stored);
    lane.deadline = Duration.ofMillis(200);
    AttemptPipeline<String, String> pipeline = pipeline(lane, 1);

    pipeline.enqueueAll(List.of("hangs", "after"));

    await().atMost(WAIT).until(pipeline::idle);
    // One slot: "after" could only start once the hanging attempt was cut and its slot returned.
    assertThat(lane.committed).containsExactlyInAnyOrder("hangs:internal-error", "after:delivered");
    assertThat(lane.errors.get("hangs")).contains("hard deadline of 200 ms");
  }

  @Test
  void aWriteTheStoreRefusesIsIsolatedAndTheRestOfItsBatchCommits() {
    ScriptedLane lane = new ScriptedLane(job -> ok(), batch -> {
      if (batch.stream().anyMatch(w -> w.startsWith("garbled"))) {
        throw new IllegalArgumentException("cannot encode");
      }
      return batch.stream().anyMatch(w -> w.startsWith("poison"))
          ? Uni.createFrom().failure(new PgException("refused", "ERROR", "P0001", null))
          : stored(batch);
    });
    AttemptPipeline<String, String> pipeline = pipeline(lane, 8);

    pipeline.enqueueAll(List.of("a", "poison", "b", "garbled", "c"));

    await().atMost(WAIT).until(pipeline::idle);
    assertThat(lane.committed).containsExactlyInAnyOrder("a:delivered", "b:delivered", "c:delivered");
    assertThat(meters.counter("rewind.outcomes.unrecorded").count())
        .as("the poison and the garbled write, each dropped after " + AttemptPipeline.MAX_REFUSALS + " refusals")
        .isEqualTo(2);
  }

  @Test
  void aWriteRolledBackForAConcurrentTransactionIsKeptAndWrittenAgainHoweverOftenThatHappens() {
    // Each try races an event moved to its day's died leaf (SQLSTATE 40001) or deadlocks (40P01), more times than
    // a refused write is tried before it is dropped.
    AtomicLong failures = new AtomicLong(AttemptPipeline.MAX_REFUSALS + 1);
    ScriptedLane lane = new ScriptedLane(job -> ok(), batch -> {
      long left = failures.getAndDecrement();
      if (left <= 0) {
        return stored(batch);
      }
      return Uni.createFrom().failure(left % 2 == 0
          ? new PgException("tuple to be updated was already moved to another partition due to concurrent update",
              "ERROR", "40001", null)
          : new PgException("deadlock detected", "ERROR", "40P01", null));
    });
    AttemptPipeline<String, String> pipeline = pipeline(lane, 1);

    pipeline.enqueue("a");

    await().atMost(WAIT).until(pipeline::idle);
    assertThat(lane.committed).containsExactly("a:delivered");
    assertThat(meters.counter("rewind.outcomes.unrecorded").count()).isZero();
  }

  @Test
  void stalledForGrowsOnlyWhileWorkWaitsWithoutProgress() {
    Uni<AttemptResult>[] pending = new Uni[1];
    io.smallrye.mutiny.subscription.UniEmitter<? super AttemptResult>[] emitter =
        new io.smallrye.mutiny.subscription.UniEmitter[1];
    pending[0] = Uni.createFrom().emitter(e -> emitter[0] = e);
    ScriptedLane lane = new ScriptedLane(job -> pending[0], AttemptPipelineTest::stored);
    lane.deadline = Duration.ofMinutes(5);
    AttemptPipeline<String, String> pipeline = pipeline(lane, 1);
    nanos.set(Duration.ofHours(1).toNanos());
    assertThat(pipeline.stalledFor()).as("idle").isEqualTo(Duration.ZERO);

    pipeline.enqueue("slow");
    await().atMost(WAIT).until(() -> emitter[0] != null);
    assertThat(pipeline.stalledFor()).as("work just arrived after a quiet hour").isEqualTo(Duration.ZERO);
    nanos.addAndGet(Duration.ofSeconds(90).toNanos());
    assertThat(pipeline.stalledFor()).isEqualTo(Duration.ofSeconds(90));

    emitter[0].complete(new AttemptResult(Instant.now(), 1, Outcome.status(200), null, List.of(), new byte[0]));
    await().atMost(WAIT).until(pipeline::idle);
    assertThat(pipeline.stalledFor()).isEqualTo(Duration.ZERO);
  }
}

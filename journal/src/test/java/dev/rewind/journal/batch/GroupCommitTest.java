package dev.rewind.journal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  /** A write that completes only when the test says so, to see which batches form. */
  private static final class ManualWrite {
    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    final List<UniEmitter<? super List<String>>> pending = new CopyOnWriteArrayList<>();

    Uni<List<String>> write(List<Integer> items) {
      batches.add(List.copyOf(items));
      return Uni.createFrom().emitter(pending::add);
    }

    void completeNext() {
      List<Integer> batch = batches.get(batches.size() - pending.size());
      pending.remove(0).complete(batch.stream().map(i -> "ok-" + i).toList());
    }
  }

  @Test
  void theFirstItemIsWrittenAtOnceAndLaterOnesRideTogether() {
    ManualWrite write = new ManualWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(write::write, 100, 1);
    List<String> results = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      commit.submit(i).subscribe().with(results::add);
    }
    assertThat(write.batches).containsExactly(List.of(0));
    assertThat(commit.queued()).isEqualTo(4);

    write.completeNext();
    assertThat(write.batches).containsExactly(List.of(0), List.of(1, 2, 3, 4));
    write.completeNext();
    assertThat(results).containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4");
    assertThat(commit.queued()).isZero();
  }

  @Test
  void batchesAreCappedAndSeveralWritesMayBeInFlight() {
    ManualWrite write = new ManualWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(write::write, 3, 2);
    for (int i = 0; i < 9; i++) {
      commit.submit(i).subscribe().with(r -> { });
    }
    assertThat(write.batches).containsExactly(List.of(0), List.of(1));
    write.completeNext();
    assertThat(write.batches).containsExactly(List.of(0), List.of(1), List.of(2, 3, 4));
    write.completeNext();
    write.completeNext();
    assertThat(write.batches).containsExactly(List.of(0), List.of(1), List.of(2, 3, 4), List.of(5, 6, 7),
        List.of(8));
  }

  @Test
  void aFailedWriteFailsEveryItemOfItsBatchAndTheNextBatchStillGoes() {
    ManualWrite write = new ManualWrite();
    GroupCommit<Integer, String> commit = new GroupCommit<>(write::write, 10, 1);
    List<Throwable> failures = new ArrayList<>();
    List<String> results = new ArrayList<>();
    commit.submit(1).subscribe().with(results::add, failures::add);
    commit.submit(2).subscribe().with(results::add, failures::add);
    commit.submit(3).subscribe().with(results::add, failures::add);

    write.pending.remove(0).fail(new IllegalStateException("store down"));
    assertThat(failures).hasSize(1).allMatch(f -> f.getMessage().equals("store down"));
    write.completeNext();
    assertThat(results).containsExactly("ok-2", "ok-3");
  }

  @Test
  void aWriteThatThrowsInsteadOfFailingIsTreatedAsAFailure() {
    GroupCommit<Integer, String> commit = new GroupCommit<>(items -> {
      throw new IllegalArgumentException("bad batch");
    }, 10, 1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    commit.submit(1).subscribe().with(r -> { }, failure::set);
    assertThat(failure.get()).hasMessage("bad batch");
  }
}

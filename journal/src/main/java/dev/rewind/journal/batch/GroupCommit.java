package dev.rewind.journal.batch;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit: callers submit one item each; items that arrive while a write is in flight ride together in the
 * next write. At low load every item is written at once (latency = one commit); under load a commit carries many
 * items, so throughput grows while the number of durable commits (fsyncs) stays bounded.
 *
 * <p>No timer is involved: a batch closes when a write slot frees up, never by waiting for more items.
 *
 * @param <I> what callers submit
 * @param <O> what each caller gets back, position for position
 */
public final class GroupCommit<I, O> {

  private record Pending<I, O>(I item, UniEmitter<? super O> emitter) {}

  private final Function<List<I>, Uni<List<O>>> write;
  private final int maxBatch;
  private final int maxInFlight;
  private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param write writes a batch in one transaction and returns one result per item, in order
   * @param maxBatch most items in one write
   * @param maxInFlight most writes under way at once (each holds one store connection)
   */
  public GroupCommit(Function<List<I>, Uni<List<O>>> write, int maxBatch, int maxInFlight) {
    this.write = write;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  public Uni<O> submit(I item) {
    return Uni.createFrom().emitter(emitter -> {
      synchronized (this) {
        queue.add(new Pending<>(item, emitter));
      }
      drain();
    });
  }

  /** Items waiting for a write slot. */
  public synchronized int queued() {
    return queue.size();
  }

  private void drain() {
    List<Pending<I, O>> batch;
    synchronized (this) {
      if (inFlight >= maxInFlight || queue.isEmpty()) {
        return;
      }
      inFlight++;
      batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
    }
    List<I> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item()));
    Uni<List<O>> result;
    try {
      result = write.apply(items);
    } catch (RuntimeException e) {
      result = Uni.createFrom().failure(e);
    }
    result.subscribe().with(
        outputs -> {
          finished();
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).emitter().complete(outputs.get(i));
          }
        },
        failure -> {
          finished();
          batch.forEach(p -> p.emitter().fail(failure));
        });
  }

  private void finished() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }
}

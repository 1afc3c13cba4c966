package dev.rewind.journal.capture;

import dev.rewind.journal.batch.GroupCommit;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryItem;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Appended;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.NewEvent;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * From a captured request to a durable journal row, then to delivery. A caller is answered only after the row is
 * committed (synchronous_commit on), or told that the store is unavailable within the write timeout: never an
 * acknowledgement for an event that is not stored.
 */
public final class CapturePipeline {

  private record Append(NewEvent event, boolean claim) {}

  private final EventStore store;
  private final DeliveryEngine engine;
  private final CaptureMetrics metrics;
  private final Duration writeTimeout;
  private final GroupCommit<Append, Appended> appends;

  public CapturePipeline(EventStore store, DeliveryEngine engine, CaptureMetrics metrics, Duration writeTimeout) {
    this.store = store;
    this.engine = engine;
    this.metrics = metrics;
    this.writeTimeout = writeTimeout;
    this.appends = new GroupCommit<>(this::write, 512, 2);
  }

  private Uni<List<Appended>> write(List<Append> batch) {
    return store.append(batch.stream().map(Append::event).toList(), batch.stream().map(Append::claim).toList(),
        engine.worker(), engine.lease());
  }

  /**
   * storeAndForward: journals the event and hands it to delivery; the result is the journal's answer, to be
   * acknowledged with 202.
   *
   * @throws StoreUnavailable (as the Uni's failure) when the journal did not commit within the write timeout
   * @return the journal's answer; a {@linkplain Appended#refused() refused} event was not stored and must be
   *     answered with an error (409), never acknowledged
   */
  public Uni<Appended> capture(NewEvent event, ResolvedRoute route) {
    metrics.captured(route.name());
    int bytes = event.body().length;
    boolean claim = engine.tryReserve(bytes);
    long t0 = System.nanoTime();
    return appends.submit(new Append(event, claim))
        .ifNoItem().after(writeTimeout).failWith(() -> new TimeoutException("no commit within " + writeTimeout))
        .onFailure().transform(e -> {
          if (claim) {
            engine.unreserve(bytes);
          }
          return new StoreUnavailable("journal write failed: " + e.getMessage(), e);
        })
        .invoke(appended -> {
          metrics.journalWrite(Duration.ofNanos(System.nanoTime() - t0));
          if (appended.refused()) {
            if (claim) {
              engine.unreserve(bytes);
            }
            return;
          }
          metrics.acknowledged(route.name());
          if (appended.duplicate()) {
            metrics.duplicate(route.name());
          }
          if (appended.claimed()) {
            engine.dispatch(DeliveryItem.of(event, 1, appended.leaseToken()), route);
          } else if (claim) {
            engine.unreserve(bytes);
          }
        });
  }

  /**
   * passthrough: journals the event, forwards it at once and returns the destination's answer. A failed forward
   * is journaled and retried in the background like any other. A repeated event id is attempted again: its
   * sender is waiting for an answer.
   *
   * @throws CaptureRefused (as the Uni's failure) when the route holds a different event under the same id
   */
  public Uni<DeliveryEngine.Forwarded> passthrough(NewEvent event, ResolvedRoute route, int bodyLimit) {
    metrics.captured(route.name());
    long t0 = System.nanoTime();
    return appends.submit(new Append(event, true))
        .ifNoItem().after(writeTimeout).failWith(() -> new TimeoutException("no commit within " + writeTimeout))
        .onFailure().transform(e -> new StoreUnavailable("journal write failed: " + e.getMessage(), e))
        .chain(appended -> {
          metrics.journalWrite(Duration.ofNanos(System.nanoTime() - t0));
          if (appended.refused()) {
            return Uni.createFrom().failure(new CaptureRefused(appended.refusal()));
          }
          metrics.acknowledged(route.name());
          if (!appended.duplicate()) {
            // forward() gives back a reservation; passthrough bypasses the queue but keeps the books straight.
            engine.tryReserveForPassthrough(event.body().length);
            return engine.forward(DeliveryItem.of(event, 1, appended.leaseToken()), route, bodyLimit);
          }
          metrics.duplicate(route.name());
          return store.claimOne(appended.id(), engine.worker(), engine.lease()).chain(claimed -> {
            engine.tryReserveForPassthrough(event.body().length);
            DeliveryItem again = DeliveryItem.of(claimed.orElseThrow(() -> new IllegalStateException(
                "event " + appended.id() + " vanished while being re-sent")));
            return engine.forward(again, route, bodyLimit);
          });
        });
  }
}

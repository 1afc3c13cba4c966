package dev.rewind.operator.replay;

import dev.rewind.operator.model.ReplayStep.Call;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Engine calls under way, at most one per replay (one tracker for starts, one for deletes). A reconciliation never
 * waits on a call: it {@link #poll}s here, and the call's completion runs the callback it was begun with — the
 * reconciler's trigger — so the reconciliation that reports the answer follows at once rather than after the
 * status interval.
 *
 * <p>An answer is handed out once: {@link #poll} forgets the call that it reports, so the next reconciliation asks
 * the engine again instead of reporting a stale answer.
 *
 * @param <T> what the call answers
 */
public final class EngineCalls<T> {

  /**
   * Where a call stands.
   *
   * @param answer the call's answer when {@code state} is ANSWERED, else null
   */
  public record Poll<T>(Call state, T answer) {}

  private final Map<UUID, CompletableFuture<T>> calls = new ConcurrentHashMap<>();

  /**
   * Begins {@code call} for replay {@code id}, unless a call for it is under way or answered but not yet polled.
   *
   * @param onDone runs once the call ended, after its answer (or failure) can be polled
   * @return whether the call began
   */
  public boolean begin(UUID id, Supplier<Uni<T>> call, Runnable onDone) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (calls.putIfAbsent(id, result) != null) {
      return false;
    }
    Uni<T> uni;
    try {
      uni = call.get();
    } catch (RuntimeException e) {
      uni = Uni.createFrom().failure(e);
    }
    uni.subscribe().with(
        answer -> {
          result.complete(answer);
          onDone.run();
        },
        failure -> {
          result.completeExceptionally(failure);
          onDone.run();
        });
    return true;
  }

  /**
   * NONE, UNDER_WAY, or ANSWERED with the answer — in which case the call is forgotten.
   *
   * @throws RuntimeException the call's failure (also forgotten, so the next reconciliation tries again)
   */
  public Poll<T> poll(UUID id) {
    CompletableFuture<T> result = calls.get(id);
    if (result == null) {
      return new Poll<>(Call.NONE, null);
    }
    if (!result.isDone()) {
      return new Poll<>(Call.UNDER_WAY, null);
    }
    calls.remove(id, result);
    try {
      return new Poll<>(Call.ANSWERED, result.join());
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime
          : new IllegalStateException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
  }

  /** Forgets a call that ended without reporting it, e.g. the start of a Replay being deleted. */
  public void forget(UUID id) {
    calls.computeIfPresent(id, (key, result) -> result.isDone() ? null : result);
  }

  /** Where the call for {@code id} stands, without reporting (nor forgetting) an answer. */
  public Call state(UUID id) {
    CompletableFuture<T> result = calls.get(id);
    return result == null ? Call.NONE : result.isDone() ? Call.ANSWERED : Call.UNDER_WAY;
  }
}

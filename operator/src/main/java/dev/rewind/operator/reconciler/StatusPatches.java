package dev.rewind.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Status writes: only when the status changed, and as a minimal object (name, namespace, status), so a status
 * patch can never carry a stale spec or metadata back to the API server.
 */
final class StatusPatches {

  private StatusPatches() {}

  /** Whether the desired status differs from what the object carries. */
  static <S> boolean changed(CustomResource<?, S> resource, S desired) {
    return !Objects.equals(resource.getStatus(), desired);
  }

  /** A new object of the same kind carrying only the identity of {@code resource} and {@code status}. */
  static <S, R extends CustomResource<?, S>> R minimal(R resource, S status, Supplier<R> factory) {
    R patch = factory.get();
    patch.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    patch.setStatus(status);
    return patch;
  }

  /** {@code namespace/name}, the way every log line names the object it is about. */
  static String id(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}

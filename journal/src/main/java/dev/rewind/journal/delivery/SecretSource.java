package dev.rewind.journal.delivery;

import io.smallrye.mutiny.Uni;

/** Reads signing secrets by reference. Implementations never log or cache values beyond their own lifetime. */
public interface SecretSource {

  /** The secret value, or null when it does not exist (yet). May block: never call it on an event loop. */
  String get(String namespace, String name, String key);

  /**
   * The secret value for an attempt, without blocking the calling thread: the item is null when the secret does
   * not exist; the Uni fails, with a message saying why, when it could not be read at all. The default reads with
   * {@link #get}, which suits sources that answer from memory or a mounted volume.
   */
  default Uni<String> lookup(String namespace, String name, String key) {
    return Uni.createFrom().item(() -> get(namespace, name, key));
  }

  SecretSource NONE = (namespace, name, key) -> null;
}

package dev.rewind.journal.delivery;

/** Reads signing secrets by reference. Implementations never log or cache values beyond their own lifetime. */
public interface SecretSource {

  /** The secret value, or null when it does not exist (yet). */
  String get(String namespace, String name, String key);

  SecretSource NONE = (namespace, name, key) -> null;
}

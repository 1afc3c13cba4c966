package dev.rewind.journal.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secrets as Kubernetes mounts them, {@code <root>/<name>/<key>}: the injected sidecar gets its namespace's
 * signing Secrets as volumes, and standalone mode reads the same layout from a local directory. Read on every use,
 * so a rotated Secret takes effect without a restart.
 */
public final class DirectorySecretSource implements SecretSource {

  private final Path root;

  public DirectorySecretSource(Path root) {
    this.root = root;
  }

  @Override
  public String get(String namespace, String name, String key) {
    if (name.contains("/") || name.contains("..") || key.contains("/") || key.contains("..")) {
      return null;
    }
    Path file = root.resolve(name).resolve(key);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret " + name + "/" + key, e);
    }
  }
}

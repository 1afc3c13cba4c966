package dev.rewind.operator.config;

import dev.rewind.journal.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The journal store connection from {@link OperatorConfig.Store}. The password is never part of the configuration
 * files: it comes from the environment variable {@value #PASSWORD_ENV} (e.g. a Secret mapped with
 * {@code secretKeyRef}) or from a file ({@code rewind.store.password-file}, e.g. a mounted Secret).
 */
public final class StoreSettings {

  public static final String PASSWORD_ENV = "REWIND_STORE_PASSWORD";

  private StoreSettings() {}

  public static StoreConfig from(OperatorConfig.Store store, Map<String, String> environment) {
    refuseInlinePassword(store.url());
    String password = password(store.passwordFile(), environment);
    return StoreConfig.fromUrl(store.url(), password, store.poolSize(), store.migrate(), store.timeout());
  }

  /**
   * The password from the file or the environment, or null (trust or certificate authentication).
   *
   * @throws IllegalArgumentException if both are given: which one wins would be a guess
   */
  static String password(Optional<String> passwordFile, Map<String, String> environment) {
    String fromEnvironment = environment.get(PASSWORD_ENV);
    boolean inEnvironment = fromEnvironment != null && !fromEnvironment.isEmpty();
    if (passwordFile.isPresent() && !passwordFile.get().isBlank()) {
      if (inEnvironment) {
        throw new IllegalArgumentException("the store password is given twice, in " + PASSWORD_ENV
            + " and in rewind.store.password-file; keep one");
      }
      Path file = Path.of(passwordFile.get());
      try {
        // A Secret written with a trailing newline (echo, most editors) must still match.
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the store password from rewind.store.password-file " + file,
            e);
      }
    }
    return inEnvironment ? fromEnvironment : null;
  }

  static void refuseInlinePassword(String url) {
    String userInfo = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url).getRawUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      throw new IllegalArgumentException("rewind.store.url must not carry a password; give it in " + PASSWORD_ENV
          + " or rewind.store.password-file");
    }
  }
}

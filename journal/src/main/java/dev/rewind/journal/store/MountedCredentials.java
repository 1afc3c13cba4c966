package dev.rewind.journal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Store credentials from a mounted Secret: {@code <dir>/password} and, optionally, {@code <dir>/username}. Read
 * anew for every new connection, because the kubelet rewrites a mounted Secret in place when it changes: after a
 * rotation, the next connection logs in with the new password while open ones carry on (an environment variable
 * would keep the old one until the pod restarts).
 */
public final class MountedCredentials {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";

  /** A user and password as read. */
  public record Credentials(String user, String password) {
    @Override
    public String toString() {
      return "Credentials[user=" + user + "]";
    }
  }

  private MountedCredentials() {}

  /** The credentials in {@code dir}; the user is {@code defaultUser} when the Secret has no username key. */
  public static Credentials read(Path dir, String defaultUser) {
    String user = optional(dir.resolve(USERNAME));
    String password = optional(dir.resolve(PASSWORD));
    if (password == null) {
      throw new IllegalStateException("no store password in " + dir.resolve(PASSWORD));
    }
    return new Credentials(user == null || user.isEmpty() ? defaultUser : user, password);
  }

  /** A Secret's value as mounted, without the line end an editor or {@code kubectl create --from-file} leaves. */
  private static String optional(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}

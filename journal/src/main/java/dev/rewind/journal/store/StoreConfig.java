package dev.rewind.journal.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the journal store is and how to use it. The password is never part of a committed file: it comes from the
 * environment or a mounted Secret, and {@link #toString()} never prints it.
 *
 * @param writeTimeout how long a capture waits for its journal write before answering 503: a store that does not
 *     answer must not hold up the application (fail closed, fast)
 * @param credentialsDir a mounted Secret with {@code password} (and optionally {@code username}), read for every
 *     new connection so a rotated password is used without a restart ({@link MountedCredentials}); null: the
 *     user and password above
 */
public record StoreConfig(
    String host, int port, String database, String user, String password, int poolSize, boolean migrate,
    Duration writeTimeout, Path credentialsDir) {

  public StoreConfig(String host, int port, String database, String user, String password, int poolSize,
      boolean migrate, Duration writeTimeout) {
    this(host, port, database, user, password, poolSize, migrate, writeTimeout, null);
  }

  public StoreConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1");
    }
  }

  /**
   * Parses {@code postgresql://user@host:port/database} (a password in the URL is accepted for local use but better
   * given separately).
   */
  public static StoreConfig fromUrl(String url, String password, int poolSize, boolean migrate,
      Duration writeTimeout) {
    URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("store URL must start with postgresql://, got " + redact(url));
    }
    String user = "postgres";
    String urlPassword = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      if (parts.length == 2) {
        urlPassword = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      }
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "rewind" : uri.getPath().substring(1);
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    return new StoreConfig(uri.getHost(), port, database, user, password != null ? password : urlPassword,
        poolSize, migrate, writeTimeout);
  }

  /** The same store, with credentials read from a mounted Secret directory (null: as configured). */
  public StoreConfig withCredentialsDir(Path dir) {
    return new StoreConfig(host, port, database, user, password, poolSize, migrate, writeTimeout, dir);
  }

  private static String redact(String url) {
    return url.replaceAll("//([^:@/]+):[^@/]*@", "//$1:***@");
  }

  @Override
  public String toString() {
    String who = credentialsDir == null ? user : "<" + credentialsDir.resolve(MountedCredentials.USERNAME) + ">";
    return "postgresql://" + who + "@" + host + ":" + port + "/" + database;
  }
}

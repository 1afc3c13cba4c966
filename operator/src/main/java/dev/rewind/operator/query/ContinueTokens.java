package dev.rewind.operator.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque {@code continue} token of event listings: base64url of the last id of the page, the time window the
 * first page resolved ({@code since=2h} means the same instant on every page), and a hash of the filters, so that
 * a token reused with other filters is refused instead of silently continuing another listing. Pure.
 */
public final class ContinueTokens {

  private static final String VERSION = "e1";

  /** Where the next page starts, and the window the listing resolved on its first page (null: unbounded). */
  public record Position(UUID after, Instant since, Instant until) {}

  private ContinueTokens() {}

  /** @param filters the canonical filters of the listing (see {@link #filters}) */
  public static String encode(Position position, String filters) {
    String text = String.join("|", VERSION, position.after().toString(), millis(position.since()),
        millis(position.until()), hash(filters));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** @throws QueryException BadRequest naming {@code continue} when the token is not one of this listing's */
  public static Position decode(String token, String filters) {
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
    } catch (IllegalArgumentException e) {
      throw invalid("it is not a token this server issued");
    }
    if (parts.length != 5 || !VERSION.equals(parts[0])) {
      throw invalid("it is not a token this server issued");
    }
    if (!hash(filters).equals(parts[4])) {
      throw invalid("it was issued for a listing with other filters (fieldSelector, since, until);"
          + " continue with the same ones, or start again without continue");
    }
    try {
      return new Position(UUID.fromString(parts[1]), instant(parts[2]), instant(parts[3]));
    } catch (IllegalArgumentException e) {
      throw invalid("it is not a token this server issued");
    }
  }

  /** The filters a token is bound to: the canonical field selector and the since and until as given. */
  public static String filters(String canonicalSelector, String since, String until) {
    return canonicalSelector + "\n" + (since == null ? "" : since) + "\n" + (until == null ? "" : until);
  }

  private static QueryException invalid(String why) {
    return QueryException.badRequest("continue: the token is invalid: " + why);
  }

  private static String millis(Instant instant) {
    return instant == null ? "" : Long.toString(instant.toEpochMilli());
  }

  private static Instant instant(String millis) {
    if (millis.isEmpty()) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(millis));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String hash(String filters) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(filters.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}

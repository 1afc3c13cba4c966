package dev.rewind.journal.store;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Journal ids are time-ordered, so the primary
 * key index stays append-mostly under heavy ingest, and a time window maps to an id range.
 */
public final class Uuids {

  private Uuids() {}

  public static UUID v7(Instant at) {
    long millis = at.toEpochMilli();
    // Ids are not secrets: a fast per-thread generator keeps capture from queueing on a shared SecureRandom.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long randA = random.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** The smallest UUIDv7 of the given millisecond: every id generated at or after {@code at} sorts after it. */
  public static UUID lowerBound(Instant at) {
    return new UUID((at.toEpochMilli() << 16) | (0x7L << 12), 0x8000_0000_0000_0000L);
  }

  /** The millisecond a UUIDv7 was generated at. */
  public static Instant instantOf(UUID id) {
    return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
  }
}

package dev.rewind.journal.store;

import java.util.UUID;

/**
 * The result of journaling one event.
 *
 * @param duplicate the route already held an event with this source event id; {@code id} is that event's, nothing
 *     new was stored, and the caller must not deliver it again
 * @param claimed this worker holds the lease of the new event and must attempt it now (attempt 1)
 */
public record Appended(UUID id, boolean duplicate, boolean claimed, long leaseToken) {}

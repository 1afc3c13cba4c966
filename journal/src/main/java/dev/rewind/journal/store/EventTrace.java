package dev.rewind.journal.store;

import java.util.List;

/**
 * What happened to one event: the event as journaled, who sent it and every attempt made for it.
 *
 * @param sender the sending pod with its labels; null when the journal has no record of the pod (one that never
 *     reported itself, or one forgotten by retention)
 * @param hold what keeps the event from being attempted now (route paused, destination held, breaker open); null
 *     when nothing does
 */
public record EventTrace(StoredEvent event, Sender sender, List<AttemptRecord> attempts, EventHold hold) {}

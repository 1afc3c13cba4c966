package dev.rewind.journal.replay;

import dev.rewind.journal.delivery.DeliveryItem;

/**
 * An item of a replay this process holds the lease of, with its event as journaled.
 *
 * @param delivery the event to attempt: its {@code attempt} is the number of this attempt among all of the event's
 *     attempts (live and replays), its {@code leaseToken} the item's fencing token (the outcome is applied only
 *     while it still matches)
 * @param itemAttempts attempts this replay has made of the event, this one included: what its policy counts
 */
record ClaimedItem(DeliveryItem delivery, int itemAttempts) {}

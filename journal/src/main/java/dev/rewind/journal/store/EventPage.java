package dev.rewind.journal.store;

import java.util.List;
import java.util.UUID;

/** One page of a listing; pass {@code next} as {@code after} for the following page (null: last page). */
public record EventPage(List<StoredEvent> events, UUID next) {}

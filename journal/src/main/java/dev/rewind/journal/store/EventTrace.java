package dev.rewind.journal.store;

import java.util.List;

/** What happened to one event: the event as journaled and every attempt made for it. */
public record EventTrace(StoredEvent event, List<AttemptRecord> attempts) {}

-- Rewind journal, version 3: every attempt accounted for, and deduplication that never drops a different event.
--
-- attempts.error_class gains internal (Rewind itself failed during the attempt) and interrupted (the worker
-- stopped before recording an outcome: written when its lease runs out and the event is claimed again).
ALTER TABLE rewind.attempts DROP CONSTRAINT attempts_error_class_check;
ALTER TABLE rewind.attempts ADD CONSTRAINT attempts_error_class_check
  CHECK (error_class IN ('timeout', 'connect', 'dns', 'tls', 'http', 'blocked', 'config', 'internal', 'interrupted'));

-- When the current lease was taken: the start of an attempt that is later found interrupted.
ALTER TABLE rewind.events ADD COLUMN leased_at timestamptz;

-- The CloudEvents source of the event id ('' when the id is not a CloudEvents id): per the CloudEvents
-- specification an event is identified by source and id together, so two sources may use the same id.
ALTER TABLE rewind.events ADD COLUMN event_source text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_source_event_id ON rewind.events (namespace, route, event_source, event_id);
DROP INDEX rewind.events_event_id;

-- A replay item remembers which of its event's attempt numbers its current lease covers, and since when, so an
-- attempt interrupted mid-replay is recorded under its own number.
ALTER TABLE rewind.replay_items ADD COLUMN attempt_number integer;
ALTER TABLE rewind.replay_items ADD COLUMN leased_at timestamptz;

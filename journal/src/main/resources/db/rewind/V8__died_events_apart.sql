-- Rewind journal, version 8: each day's events (and their attempts) in two leaf partitions, those that never died
-- and those that did, so that retention empties a day of its delivered events by truncating one leaf while the
-- day's dead events, kept much longer (Retention: 7 days against 30 by default), stay in the other.
--
-- Why: with version 7, a day past the delivered events' retention that still held its dead events (a day's worth
-- of failures, often tens of thousands) could neither be dropped nor compacted (moving that many survivors keeps
-- the day locked too long), so its expired rows were deleted in batches: a minute of store time per day at 50M
-- journaled events, and the bloat and vacuum debt partitioning was meant to end. Now an event leaves the day's
-- live leaf when it dies, at the cost of one row moved per death, and retention of the live leaf is a TRUNCATE.
--
-- The split key is events.died, set once and never cleared: an event that dies moves to the died leaf (a BEFORE
-- UPDATE trigger sets died with state 'dead'; PostgreSQL then moves the row), and stays there if a replay delivers
-- it later. Never moving back means a died event never meets the live leaf's unique indexes again, and no row
-- moves twice. Rows inserted directly (migrations, bulk loads, tests) must say died themselves: a BEFORE INSERT
-- trigger may not change the partition a row goes to, and events_died_check refuses a dead row that does not.
--
-- attempts follow their event: attempts.event_died, the sub-partition key of each day of attempts, is set by an
-- AFTER INSERT trigger on events when a died row arrives in its leaf (the second half of the move), and written
-- from the event by every attempt insert afterwards (the outcome and claim statements read the event they write
-- for). An attempt written by a statement that read its event just before it died stays with the live attempts;
-- each such statement also updates or locks that event, which fails with a serialization error when the row moved
-- meanwhile (AttemptPipeline writes it again), so this is left to a write whose lease was taken over meanwhile.
--
-- Uniqueness: a unique index of a partitioned table must hold every partition key, so the primary key of events,
-- (id), goes. Instead each leaf has its own index on the id (events_id_p20261206_live, ..._died, events_id_default,
-- created by secure_partition with the source-id index): unique on the live leaves and the default partition, so
-- capture's ON CONFLICT still has the id as an arbiter (two captures of one Rewind-Capture-Id at once), and not
-- unique on the died leaves, so that a row moving into one never fails on a unique index; capture looks an id up in
-- its day's died leaf before inserting (EventStore), which keeps it unique across the two, but for one race: an
-- event sent again (same Rewind-Capture-Id, or same source id) while the transaction killing it commits is journaled
-- a second time, as one sent after the dedupe window is. The source-id index is split the same way. attempts
-- keeps a primary key, (event_id, number, event_died): an event's attempts share its event_died, so it is unique
-- per event and number as before.
--
-- The default partitions stay single tables (holding both kinds): retention trims them in batches as before.

ALTER TABLE rewind.events ADD COLUMN died boolean NOT NULL DEFAULT false;
ALTER TABLE rewind.attempts ADD COLUMN event_died boolean NOT NULL DEFAULT false;
UPDATE rewind.events SET died = true WHERE state = 'dead';
UPDATE rewind.attempts a SET event_died = true FROM rewind.events e WHERE e.id = a.event_id AND e.died;
ALTER TABLE rewind.events ADD CONSTRAINT events_died_check CHECK (state <> 'dead' OR died);
COMMENT ON COLUMN rewind.events.died IS
  'Whether the event ever died (set with state dead, never cleared): which leaf of its day partition holds it';
COMMENT ON COLUMN rewind.attempts.event_died IS 'The died of the attempt''s event: which leaf holds the attempt';

ALTER TABLE rewind.events DROP CONSTRAINT events_pkey;
ALTER TABLE rewind.attempts DROP CONSTRAINT attempts_pkey;

-- A died event's row moves (delete from the live leaf, insert into the died one) within the UPDATE that kills it.
CREATE FUNCTION rewind.mark_died() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  NEW.died := true;
  RETURN NEW;
END
$$;
CREATE TRIGGER events_mark_died BEFORE UPDATE OF state ON rewind.events
  FOR EACH ROW WHEN (NEW.state = 'dead' AND NOT NEW.died) EXECUTE FUNCTION rewind.mark_died();

-- Fires on a died row arriving in its leaf: a move (above), or a direct insert. Runs as the role that killed the
-- event (a tenant's sidecar, under its row-level security): attempts of its own namespace only.
CREATE FUNCTION rewind.attempts_follow_death() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  UPDATE rewind.attempts SET event_died = true WHERE event_id = NEW.id AND NOT event_died;
  RETURN NULL;
END
$$;
CREATE TRIGGER events_attempts_follow_death AFTER INSERT ON rewind.events
  FOR EACH ROW WHEN (NEW.died) EXECUTE FUNCTION rewind.attempts_follow_death();

-- Creates the day partition pair ev (events) and at (attempts), each split by died into its _live and _died leaves,
-- unattached. A leaf given (an existing table of the day, version 7's partition) becomes the live leaf instead of a
-- new one, its died rows moved to the died leaf first.
CREATE FUNCTION rewind.split_day_tables(ev text, at text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  EXECUTE format('CREATE TABLE rewind.%I (LIKE rewind.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
      || ' PARTITION BY LIST (died)', ev);
  EXECUTE format('CREATE TABLE rewind.%I (LIKE rewind.attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
      || ' PARTITION BY LIST (event_died)', at);
  EXECUTE format('CREATE TABLE rewind.%I PARTITION OF rewind.%I FOR VALUES IN (true)', ev || '_died', ev);
  EXECUTE format('CREATE TABLE rewind.%I PARTITION OF rewind.%I FOR VALUES IN (true)', at || '_died', at);
  IF to_regclass('rewind.' || ev || '_live') IS NULL THEN
    EXECUTE format('CREATE TABLE rewind.%I PARTITION OF rewind.%I FOR VALUES IN (false)', ev || '_live', ev);
    EXECUTE format('CREATE TABLE rewind.%I PARTITION OF rewind.%I FOR VALUES IN (false)', at || '_live', at);
  ELSE
    EXECUTE format('WITH m AS (DELETE FROM rewind.%I WHERE died RETURNING *) INSERT INTO rewind.%I'
        || ' SELECT * FROM m', ev || '_live', ev || '_died');
    EXECUTE format('WITH m AS (DELETE FROM rewind.%I WHERE event_died RETURNING *) INSERT INTO rewind.%I'
        || ' SELECT * FROM m', at || '_live', at || '_died');
    EXECUTE format('ALTER TABLE rewind.%I ATTACH PARTITION rewind.%I FOR VALUES IN (false)', ev, ev || '_live');
    EXECUTE format('ALTER TABLE rewind.%I ATTACH PARTITION rewind.%I FOR VALUES IN (false)', at, at || '_live');
  END IF;
END
$$;

-- Version 7's day partitions become live leaves of new day partitions.
DO $$
DECLARE
  p record;
  at text;
BEGIN
  FOR p IN
    SELECT c.relname AS ev, to_date(substr(c.relname, 9), 'YYYYMMDD') AS d
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'rewind.events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
  LOOP
    at := 'attempts' || substr(p.ev, 7);
    EXECUTE format('ALTER TABLE rewind.events DETACH PARTITION rewind.%I', p.ev);
    EXECUTE format('ALTER TABLE rewind.attempts DETACH PARTITION rewind.%I', at);
    EXECUTE format('ALTER TABLE rewind.%I RENAME TO %I', p.ev, p.ev || '_live');
    EXECUTE format('ALTER TABLE rewind.%I RENAME TO %I', at, at || '_live');
    EXECUTE format('ALTER INDEX rewind.%I RENAME TO %I', 'events_source_event_id' || substr(p.ev, 7),
        'events_source_event_id' || substr(p.ev, 7) || '_live');
    PERFORM rewind.split_day_tables(p.ev, at);
    EXECUTE format('ALTER TABLE rewind.events ATTACH PARTITION rewind.%I FOR VALUES FROM (%L) TO (%L)',
        p.ev, rewind.day_bound(p.d), rewind.day_bound(p.d + 1));
    EXECUTE format('ALTER TABLE rewind.attempts ATTACH PARTITION rewind.%I FOR VALUES FROM (%L) TO (%L)',
        at, rewind.day_bound(p.d), rewind.day_bound(p.d + 1));
  END LOOP;
END
$$;

ALTER TABLE rewind.attempts ADD CONSTRAINT attempts_pkey PRIMARY KEY (event_id, number, event_died);

-- The leaves a day partition is split into, then the day partition itself (the default partition: itself alone).
CREATE FUNCTION rewind.partition_tables(part text) RETURNS TABLE (name text, leaf boolean)
  LANGUAGE sql STABLE SET search_path = pg_catalog
  AS $$
SELECT c.relname::text, c.relkind = 'r' FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = ('rewind.' || part)::regclass
UNION ALL
SELECT part, c.relkind = 'r' FROM pg_class c WHERE c.oid = ('rewind.' || part)::regclass
$$;

-- As version 7's, for a leaf's index too: named after the journal's index it descends from (events_due_p20261206,
-- events_due_p20261206_live), not after its parent (the day's), whose name already carries the day.
CREATE OR REPLACE FUNCTION rewind.name_partition_indexes(part text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
DECLARE
  suffix text := regexp_replace(part, '^(events|attempts)', '');
  ix record;
BEGIN
  FOR ix IN
    WITH RECURSIVE up(idx, anc, depth) AS (
      SELECT x.indexrelid, x.indexrelid, 0 FROM pg_index x WHERE x.indrelid = ('rewind.' || part)::regclass
      UNION ALL
      SELECT up.idx, i.inhparent, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.anc)
    SELECT c.relname AS name, r.relname AS root
    FROM (SELECT DISTINCT ON (idx) idx, anc FROM up WHERE depth > 0 ORDER BY idx, depth DESC) t
    JOIN pg_class c ON c.oid = t.idx JOIN pg_class r ON r.oid = t.anc
    WHERE c.relname <> r.relname || suffix
  LOOP
    EXECUTE format('ALTER INDEX rewind.%I RENAME TO %I', ix.name, ix.root || suffix);
  END LOOP;
END
$$;

-- As version 7's, for the split days: the id and source-id indexes on each leaf (unique on a live leaf and the
-- default partition, arbiters of capture's ON CONFLICT; not unique on a died leaf, for capture's probes), row-level
-- security enabled with no policy and no privileges on the day's tables and every leaf, the indexes named after
-- the journal's. Leaves first: their indexes may hold the names the day's own indexes are to take (a version 7
-- partition becoming a live leaf).
CREATE OR REPLACE FUNCTION rewind.secure_partition(events_part text, attempts_part text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM rewind.partition_tables(events_part) WHERE leaf LOOP
    EXECUTE format('CREATE %s INDEX IF NOT EXISTS %I ON rewind.%I (id)',
        CASE WHEN t.name ~ '_died$' THEN '' ELSE 'UNIQUE' END,
        'events_id' || regexp_replace(t.name, '^events', ''), t.name);
    EXECUTE format('CREATE %s INDEX IF NOT EXISTS %I ON rewind.%I (namespace, route, event_source, event_id)',
        CASE WHEN t.name ~ '_died$' THEN '' ELSE 'UNIQUE' END,
        'events_source_event_id' || regexp_replace(t.name, '^events', ''), t.name);
  END LOOP;
  FOR t IN SELECT * FROM rewind.partition_tables(events_part)
           UNION ALL SELECT * FROM rewind.partition_tables(attempts_part) LOOP
    EXECUTE format('ALTER TABLE rewind.%I ENABLE ROW LEVEL SECURITY', t.name);
    EXECUTE format('REVOKE ALL ON rewind.%I FROM PUBLIC, rewind_tenant, rewind_operator', t.name);
  END LOOP;
  FOR t IN SELECT * FROM (SELECT * FROM rewind.partition_tables(events_part)
                          UNION ALL SELECT * FROM rewind.partition_tables(attempts_part)) p
           ORDER BY p.leaf DESC LOOP
    PERFORM rewind.name_partition_indexes(t.name);
  END LOOP;
END
$$;

SELECT rewind.secure_partition(c.relname::text, 'attempts' || substr(c.relname::text, 7))
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'rewind.events'::regclass;

-- As version 7's, each new day split into its leaves.
CREATE OR REPLACE FUNCTION rewind.ensure_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '1s'
  AS $$
DECLARE
  d date := (from_ts AT TIME ZONE 'UTC')::date;
  last_day date := (to_ts AT TIME ZONE 'UTC')::date;
  ev text;
  at text;
  lo uuid;
  hi uuid;
  created integer := 0;
BEGIN
  IF from_ts IS NULL OR to_ts IS NULL THEN
    RAISE EXCEPTION 'ensure_partitions needs both ends of the range';
  END IF;
  -- Bounds the work one call can ask for (the function is granted to rewind_operator): ten years of days.
  IF last_day - d > 3660 THEN
    RAISE EXCEPTION 'ensure_partitions: % days asked for, at most 3661 at once', last_day - d + 1;
  END IF;
  PERFORM pg_advisory_xact_lock(125780121117042);  -- 0x726577706172, "rewpar" (no hex literal: PostgreSQL 15 has none)
  WHILE d <= last_day LOOP
    ev := 'events_p' || to_char(d, 'YYYYMMDD');
    at := 'attempts_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass('rewind.' || ev) IS NULL THEN
      lo := rewind.day_bound(d);
      hi := rewind.day_bound(d + 1);
      PERFORM rewind.split_day_tables(ev, at);
      EXECUTE format('WITH m AS (DELETE FROM rewind.events_default WHERE id >= %L AND id < %L RETURNING *)'
          || ' INSERT INTO rewind.%I SELECT * FROM m', lo, hi, ev);
      EXECUTE format('WITH m AS (DELETE FROM rewind.attempts_default WHERE event_id >= %L AND event_id < %L'
          || ' RETURNING *) INSERT INTO rewind.%I SELECT * FROM m', lo, hi, at);
      EXECUTE format('ALTER TABLE rewind.events ATTACH PARTITION rewind.%I FOR VALUES FROM (%L) TO (%L)',
          ev, lo, hi);
      EXECUTE format('ALTER TABLE rewind.attempts ATTACH PARTITION rewind.%I FOR VALUES FROM (%L) TO (%L)',
          at, lo, hi);
      PERFORM rewind.secure_partition(ev, at);
      created := created + 1;
    END IF;
    d := d + 1;
  END LOOP;
  RETURN created;
END
$$;

-- How many rows a partition holds by the table statistics, summed over its leaves (counting would read them).
CREATE FUNCTION rewind.estimated_rows(part text) RETURNS bigint
  LANGUAGE sql STABLE SET search_path = pg_catalog
  AS $$
SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
FROM rewind.partition_tables(part) t JOIN pg_class c ON c.oid = ('rewind.' || t.name)::regclass
WHERE t.leaf
$$;

-- As version 7's; the count from the leaves' statistics (a partitioned table has none of its own).
CREATE OR REPLACE FUNCTION rewind.drop_day(d date, delivered interval, dead interval) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '200ms'
  AS $$
DECLARE
  ev text := 'events_p' || to_char(d, 'YYYYMMDD');
  at text := 'attempts_p' || to_char(d, 'YYYYMMDD');
  n bigint;
BEGIN
  IF to_regclass('rewind.' || ev) IS NULL OR rewind.day_is_live(d, delivered, dead) THEN
    RETURN -1;
  END IF;
  BEGIN
    LOCK TABLE rewind.events, rewind.attempts IN ACCESS EXCLUSIVE MODE;
    IF rewind.day_is_live(d, delivered, dead) THEN
      RETURN -1;
    END IF;
    n := rewind.estimated_rows(ev);
    DELETE FROM rewind.replay_items WHERE event_id >= rewind.day_bound(d) AND event_id < rewind.day_bound(d + 1);
    EXECUTE format('DROP TABLE rewind.%I, rewind.%I', at, ev);
    RETURN n;
  EXCEPTION WHEN lock_not_available THEN
    RETURN -1;
  END;
END
$$;

-- The events of one leaf of day d that retention must keep (day_is_live's tests, on that leaf), at most lim.
CREATE FUNCTION rewind.leaf_survivors(leaf text, d date, delivered interval, dead interval, lim integer)
  RETURNS uuid[]
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog
  AS $$
DECLARE
  kept uuid[];
BEGIN
  EXECUTE format('SELECT coalesce(array_agg(id), ''{}'') FROM ('
      || ' SELECT id FROM rewind.%1$I WHERE state IN (''pending'', ''delivering'', ''failed'')'
      || ' UNION SELECT id FROM rewind.%1$I WHERE completed_at >= now() - $1 AND state = ''delivered'''
      || ' UNION SELECT id FROM rewind.%1$I WHERE state = ''dead'' AND completed_at >= now() - $2'
      || ' UNION SELECT i.event_id FROM rewind.replay_items i JOIN rewind.replays r ON r.id = i.replay_id'
      || '   JOIN rewind.%1$I e ON e.id = i.event_id'
      || '   WHERE i.event_id >= $3 AND i.event_id < $4 AND r.phase IN (''Pending'', ''Running'')'
      || ' LIMIT $5) s', leaf)
    INTO kept USING delivered, dead, rewind.day_bound(d), rewind.day_bound(d + 1), lim;
  RETURN kept;
END
$$;

-- Rids one leaf of a kept day ('live' or 'died') of its expired events, as version 7's compact_day did the whole
-- day: with no survivor, a TRUNCATE of the leaf and its attempts (the live leaf of a day whose only survivors are
-- its dead events, the common case, at a cost independent of the day's size); with at most max_moved, the
-- survivors copied aside with their attempts, the leaves truncated, the survivors put back. Returns how many
-- events went (by the statistics), 0 when nothing was expired, -1 when the leaf was left as it was (too many
-- survivors, or its lock not had within lock_timeout): the caller then trims it in batches.
CREATE FUNCTION rewind.compact_leaf(d date, leaf text, delivered interval, dead interval, max_moved integer)
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '200ms'
  AS $$
DECLARE
  ev text := 'events_p' || to_char(d, 'YYYYMMDD') || '_' || leaf;
  at text := 'attempts_p' || to_char(d, 'YYYYMMDD') || '_' || leaf;
  kept uuid[];
  expired boolean;
  total bigint;
BEGIN
  IF leaf NOT IN ('live', 'died') OR to_regclass('rewind.' || ev) IS NULL THEN
    RETURN -1;
  END IF;
  kept := rewind.leaf_survivors(ev, d, delivered, dead, max_moved + 1);
  IF cardinality(kept) > max_moved THEN
    RETURN -1;
  END IF;
  -- Stops at the first row not kept: with few survivors, at once; with none expired, after at most max_moved rows.
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM rewind.%I WHERE id <> ALL ($1))', ev) INTO expired USING kept;
  IF NOT expired THEN
    RETURN 0;
  END IF;
  BEGIN
    EXECUTE format('LOCK TABLE rewind.%I, rewind.%I IN ACCESS EXCLUSIVE MODE', ev, at);
  EXCEPTION WHEN lock_not_available THEN
    RETURN -1;
  END;
  -- Again under the lock: a replay may have taken an event of the leaf, or a resend claimed one, meanwhile.
  kept := rewind.leaf_survivors(ev, d, delivered, dead, max_moved + 1);
  IF cardinality(kept) > max_moved THEN
    RETURN -1;
  END IF;
  total := rewind.estimated_rows(ev);
  IF cardinality(kept) = 0 THEN
    EXECUTE format('TRUNCATE rewind.%I, rewind.%I', ev, at);
  ELSE
    -- A second call in one transaction finds the first one's tables (they go at commit).
    IF to_regclass('pg_temp.rewind_kept_events') IS NOT NULL THEN
      DROP TABLE pg_temp.rewind_kept_events, pg_temp.rewind_kept_attempts;
    END IF;
    EXECUTE format('CREATE TEMP TABLE rewind_kept_events ON COMMIT DROP AS SELECT * FROM rewind.%I'
        || ' WHERE id = ANY ($1)', ev) USING kept;
    EXECUTE format('CREATE TEMP TABLE rewind_kept_attempts ON COMMIT DROP AS SELECT * FROM rewind.%I'
        || ' WHERE event_id = ANY ($1)', at) USING kept;
    EXECUTE format('TRUNCATE rewind.%I, rewind.%I', ev, at);
    EXECUTE format('INSERT INTO rewind.%I SELECT * FROM pg_temp.rewind_kept_events', ev);
    EXECUTE format('INSERT INTO rewind.%I SELECT * FROM pg_temp.rewind_kept_attempts', at);
  END IF;
  -- Items of finished replays whose event went: the survivors are back, and the other leaf's events are kept.
  DELETE FROM rewind.replay_items i WHERE i.event_id >= rewind.day_bound(d) AND i.event_id < rewind.day_bound(d + 1)
    AND NOT EXISTS (SELECT 1 FROM rewind.events e WHERE e.id = i.event_id);
  RETURN greatest(total - cardinality(kept), 0);
END
$$;

-- As version 7's, for a leaf of a day too: the leaf's name maps to its attempts' leaf the same way.
CREATE OR REPLACE FUNCTION rewind.trim_partition(part text, state text, age interval, lim integer) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$
DECLARE
  n bigint;
BEGIN
  IF part !~ '^events_(p[0-9]{8}_(live|died)|default)$' OR to_regclass('rewind.' || part) IS NULL THEN
    RETURN 0;
  END IF;
  EXECUTE format('WITH doomed AS ('
      || '   SELECT e.id FROM rewind.%1$I e'
      || '   WHERE e.completed_at IS NOT NULL AND e.state = $1 AND e.completed_at < now() - $2'
      || '     AND NOT EXISTS (SELECT 1 FROM rewind.replay_items i JOIN rewind.replays r ON r.id = i.replay_id'
      || '                     WHERE i.event_id = e.id AND r.phase IN (''Pending'', ''Running''))'
      || '   LIMIT $3),'
      || ' gone AS (DELETE FROM rewind.%1$I e USING doomed d WHERE e.id = d.id RETURNING e.id),'
      || ' attempts AS (DELETE FROM rewind.%2$I a USING gone g WHERE a.event_id = g.id),'
      || ' items AS (DELETE FROM rewind.replay_items i USING gone g WHERE i.event_id = g.id)'
      || ' SELECT count(*) FROM gone', part, regexp_replace(part, '^events', 'attempts'))
    INTO n USING state, age, lim;
  RETURN n;
END
$$;

DROP FUNCTION rewind.compact_day(date, interval, interval, integer);
DROP FUNCTION rewind.day_survivors(date, interval, interval, integer);

REVOKE ALL ON FUNCTION rewind.mark_died(), rewind.attempts_follow_death(), rewind.split_day_tables(text, text),
    rewind.partition_tables(text), rewind.estimated_rows(text),
    rewind.leaf_survivors(text, date, interval, interval, integer),
    rewind.compact_leaf(date, text, interval, interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rewind.compact_leaf(date, text, interval, interval, integer) TO rewind_operator;

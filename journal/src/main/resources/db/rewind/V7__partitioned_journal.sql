-- Rewind journal, version 7: events and attempts partitioned by capture day, so that retention drops whole days
-- instead of deleting rows one by one, and indexes stay the size of a day.
--
-- Partition key: the id. Ids are UUIDv7, whose first 48 bits are the Unix milliseconds of capture, so a UTC day is
-- the id range [day_bound(d), day_bound(d + 1)). Partitioning on the id (rather than on received_at) keeps the
-- primary key (id) a valid unique index of the partitioned table, and every lookup by id (trace, claimOne, outcome
-- writes, replay items) reaches one partition. attempts is partitioned the same way on event_id, so an event and
-- its attempts always live in partitions of the same day and go together.
--
-- A DEFAULT partition (events_default, attempts_default) takes ids outside every day partition: ids that are not
-- UUIDv7 (a sender may resend any UUID as Rewind-Capture-Id), or of a day whose partition does not exist (yet).
-- Without it such an insert fails, and since capture is group-committed, one odd id would fail every event of its
-- batch. The cost: creating a day partition must prove the default holds no row of that day, so
-- rewind.ensure_partitions moves any such rows out first and the check scans the default; the default is expected
-- to stay near empty, and retention deletes its expired rows in batches.
--
-- Retention (Retention.java) works a day at a time: rewind.drop_day drops a day whose events are all past retention
-- (a catalog operation whatever the day's size); rewind.compact_day moves the survivors of a day that still holds
-- some (truncate, put them back: the cost of the survivors); only a day with too many survivors to move, and the
-- default partition, are trimmed by a batched DELETE (rewind.trim_partition). A day goes once all of it is past the
-- shorter retention, so an event may outlive its retention by up to a day. Both take exclusive locks for a moment,
-- and in PostgreSQL (up to 17 at least) a generic plan locks every partition of the tables it reads, pruned or not:
-- statements, capture among them, wait while a lock on any partition is held or requested. So every lock taken here
-- is held for work bounded by a day's survivors at most, and requested with a short lock_timeout, after which the
-- work is left for the next run.
--
-- Foreign keys to events are gone (attempts.event_id, replay_items.event_id): a partition referenced by a foreign
-- key cannot be dropped without a check that joins the referencing table, which is not a metadata operation.
-- Instead every path that removes events removes their attempts and replay items itself (rewind.drop_day,
-- rewind.compact_day, Retention's batched delete), and every attempt insert reads its event (outcome writes join
-- events; the tenant policy checks it).
--
-- Deduplication of source event ids: a unique index of a partitioned table must contain the partition key, so
-- (namespace, route, event_source, event_id) can only be unique per partition. Each day partition (and the
-- default) has that unique index, created by rewind.ensure_partitions; capture inserts with ON CONFLICT DO NOTHING,
-- whose arbiters are the unique indexes of the partition the row goes to. Capture also skips an event whose key is
-- already stored within EventStore's dedupe window (a NOT EXISTS probe of the same index in the previous day's
-- partition; skipped for an event without a source id, whose key is its own Rewind id), so a resent event is
-- recognised for at least that window whatever the day boundary. The limit: the
-- same source id sent again after the window is journaled as a second event (and delivered again). A different
-- event is never dropped: a key found with a different body is refused, as before.

-- The id bound of a UTC day: the smallest UUID whose 48-bit time prefix is that day's midnight. Every UUIDv7 of
-- the day sorts at or after it and before the next day's bound.
CREATE FUNCTION rewind.day_bound(d date) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog
  AS $$
SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000')::uuid
FROM (SELECT lpad(to_hex((extract(epoch FROM d::timestamp) * 1000)::bigint), 12, '0') AS h) x
$$;

-- The UTC day of a UUIDv7 (the day its time prefix falls in).
CREATE FUNCTION rewind.day_of(id uuid) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog
  AS $$
SELECT (to_timestamp(('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint / 1000.0)
        AT TIME ZONE 'UTC')::date
$$;

ALTER TABLE rewind.attempts DROP CONSTRAINT attempts_event_id_fkey;
ALTER TABLE rewind.replay_items DROP CONSTRAINT replay_items_event_id_fkey;
ALTER TABLE rewind.events RENAME TO events_v6;
ALTER TABLE rewind.attempts RENAME TO attempts_v6;

-- The same columns in the same order as version 6 (queries read e.*).
CREATE TABLE rewind.events (
  id                 uuid        NOT NULL,
  namespace          text        NOT NULL,
  route              text        NOT NULL,
  route_generation   bigint      NOT NULL DEFAULT 0,
  event_id           text        NOT NULL,
  correlation_id     text,
  event_type         text,
  sender_workload    text,
  sender_pod         text,
  method             text        NOT NULL,
  url                text        NOT NULL,
  path_suffix        text        NOT NULL DEFAULT '',
  headers            jsonb       NOT NULL,
  body               bytea       NOT NULL,
  received_at        timestamptz NOT NULL,
  state              text        NOT NULL,
  attempts           integer     NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz,
  lease_owner        text,
  lease_token        bigint      NOT NULL DEFAULT 0,
  last_outcome       text,
  last_attempt_at    timestamptz,
  completed_at       timestamptz,
  leased_at          timestamptz,
  event_source       text        NOT NULL DEFAULT '',
  uncounted_attempts integer     NOT NULL DEFAULT 0,
  dead_reason        text,
  CONSTRAINT events_state_check CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'dead'))
) PARTITION BY RANGE (id);

CREATE TABLE rewind.attempts (
  event_id         uuid        NOT NULL,
  number           integer     NOT NULL,
  trigger          text        NOT NULL,
  replay_id        uuid,
  replay_name      text,
  worker           text        NOT NULL,
  destination      text        NOT NULL,
  started_at       timestamptz NOT NULL,
  duration_ms      double precision NOT NULL,
  status_code      integer,
  error_class      text,
  error            text,
  outcome          text        NOT NULL,
  response_headers jsonb,
  response_body    bytea,
  namespace        text        NOT NULL,
  CONSTRAINT attempts_trigger_check CHECK (trigger IN ('initial', 'retry', 'replay')),
  CONSTRAINT attempts_error_class_check CHECK (error_class IN ('timeout', 'connect', 'dns', 'tls', 'http', 'blocked',
      'config', 'internal', 'interrupted'))
) PARTITION BY RANGE (event_id);

-- What every partition gets besides the partitioned indexes it inherits: the per-partition dedupe index, and
-- row-level security enabled with no policy. Queries through the parent are filtered by the parent's policies
-- (PostgreSQL applies only those); a partition named directly would have none, so no role but the owner holds any
-- privilege on it, and were one granted by mistake, enabled RLS without a policy still shows such a role nothing.
CREATE FUNCTION rewind.secure_partition(events_part text, attempts_part text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON rewind.%I (namespace, route, event_source, event_id)',
      'events_source_event_id' || regexp_replace(events_part, '^events', ''), events_part);
  EXECUTE format('ALTER TABLE rewind.%I ENABLE ROW LEVEL SECURITY', events_part);
  EXECUTE format('ALTER TABLE rewind.%I ENABLE ROW LEVEL SECURITY', attempts_part);
  EXECUTE format('REVOKE ALL ON rewind.%I, rewind.%I FROM PUBLIC, rewind_tenant, rewind_operator',
      events_part, attempts_part);
  PERFORM rewind.name_partition_indexes(events_part);
  PERFORM rewind.name_partition_indexes(attempts_part);
END
$$;

-- Names a partition's indexes after the partitioned index each belongs to, with the partition's suffix
-- (events_due_p20261206, events_pkey_default), rather than PostgreSQL's generated column-list names: plans then say
-- which of the journal's indexes they use. Indexes not yet attached to a parent index are left as they are.
CREATE FUNCTION rewind.name_partition_indexes(part text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
DECLARE
  suffix text := regexp_replace(part, '^(events|attempts)', '');
  ix record;
BEGIN
  FOR ix IN
    SELECT c.relname AS name, p.relname AS parent
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
    JOIN pg_inherits i ON i.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE x.indrelid = ('rewind.' || part)::regclass AND c.relname <> p.relname || suffix
  LOOP
    EXECUTE format('ALTER INDEX rewind.%I RENAME TO %I', ix.name, ix.parent || suffix);
  END LOOP;
END
$$;

CREATE TABLE rewind.events_default PARTITION OF rewind.events DEFAULT;
CREATE TABLE rewind.attempts_default PARTITION OF rewind.attempts DEFAULT;
SELECT rewind.secure_partition('events_default', 'attempts_default');

-- Creates the day partitions of events and attempts for every UTC day from from_ts to to_ts (both included) that
-- lacks one; returns how many days were created. Idempotent, and serialised by an advisory lock, so the operator's
-- leader, a standalone sidecar and a bulk loader may call it at once. A new partition is built as a plain table
-- and then attached, which takes a SHARE UPDATE EXCLUSIVE lock on the parent: capture and claims go on meanwhile
-- (CREATE TABLE ... PARTITION OF would lock them out). Rows of the day found in the default partition are moved
-- into the new partition first: the attach would fail otherwise. The attach locks the default partition, and
-- statements that read it queue behind the request, so a lock not had within lock_timeout fails the call (the
-- next retention run tries again, days ahead of need) rather than holding capture up.
CREATE FUNCTION rewind.ensure_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
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
      EXECUTE format('CREATE TABLE rewind.%I (LIKE rewind.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', ev);
      EXECUTE format('CREATE TABLE rewind.%I (LIKE rewind.attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', at);
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

-- Day partitions for every day that holds an event today, and for the days around now; then the rows.
SELECT rewind.ensure_partitions(day::timestamp AT TIME ZONE 'UTC', day::timestamp AT TIME ZONE 'UTC')
FROM (SELECT DISTINCT rewind.day_of(id) AS day FROM rewind.events_v6 WHERE substr(id::text, 15, 1) = '7') days;
SELECT rewind.ensure_partitions(now() - interval '1 day', now() + interval '2 days');
INSERT INTO rewind.events SELECT * FROM rewind.events_v6;
INSERT INTO rewind.attempts SELECT * FROM rewind.attempts_v6;
DROP TABLE rewind.attempts_v6;
DROP TABLE rewind.events_v6;

-- The indexes of version 6, now partitioned: each partition has its own, a day's worth in size. Built after the
-- copy, which is faster than maintaining them row by row.
ALTER TABLE rewind.events ADD CONSTRAINT events_pkey PRIMARY KEY (id);
CREATE INDEX events_due ON rewind.events (namespace, route, next_attempt_at)
  WHERE state IN ('pending', 'delivering', 'failed');
CREATE INDEX events_route_state ON rewind.events (namespace, route, state, id);
CREATE INDEX events_correlation ON rewind.events (namespace, correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX events_completed ON rewind.events (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX events_dead ON rewind.events (namespace, route, completed_at) WHERE state = 'dead';
ALTER TABLE rewind.attempts ADD CONSTRAINT attempts_pkey PRIMARY KEY (event_id, number);
CREATE INDEX attempts_replay ON rewind.attempts (replay_id) WHERE replay_id IS NOT NULL;
SELECT rewind.name_partition_indexes(c.relname::text)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent IN ('rewind.events'::regclass, 'rewind.attempts'::regclass);

-- Privileges and row-level security as version 6 set them, on the partitioned tables.
GRANT SELECT, INSERT, UPDATE ON rewind.events, rewind.attempts TO rewind_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON rewind.events, rewind.attempts TO rewind_operator;
ALTER TABLE rewind.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE rewind.events FORCE ROW LEVEL SECURITY;
ALTER TABLE rewind.attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE rewind.attempts FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
  EXECUTE format('CREATE POLICY operator_rows ON rewind.events TO rewind_operator, %I USING (true)'
      || ' WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY operator_rows ON rewind.attempts TO rewind_operator, %I USING (true)'
      || ' WITH CHECK (true)', current_user);
END
$$;
CREATE POLICY tenant_rows ON rewind.events TO rewind_tenant
  USING (namespace = (SELECT rewind.tenant_namespace()))
  WITH CHECK (namespace = (SELECT rewind.tenant_namespace()));
CREATE POLICY tenant_rows ON rewind.attempts TO rewind_tenant
  USING (namespace = (SELECT rewind.tenant_namespace()))
  WITH CHECK (namespace = (SELECT rewind.tenant_namespace())
      AND EXISTS (SELECT 1 FROM rewind.events e
                  WHERE e.id = attempts.event_id AND e.namespace = (SELECT rewind.tenant_namespace())));

-- Whether a day partition still holds an event retention must keep: one to be delivered (pending, delivering,
-- failed: whatever holds it, a paused route or an open breaker, it is still one of these), one completed more
-- recently than its state's retention, or one a pending or running replay holds. Each test is an index probe of
-- the partition (events_due, events_completed, events_dead, replay_items_event), not a scan of it. Delivered and
-- dead events always carry completed_at (every write that completes an event sets it).
CREATE FUNCTION rewind.day_is_live(d date, delivered interval, dead interval) RETURNS boolean
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog
  AS $$
DECLARE
  ev text := 'events_p' || to_char(d, 'YYYYMMDD');
  live boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM rewind.%1$I WHERE state IN (''pending'', ''delivering'', ''failed''))'
      || ' OR EXISTS (SELECT 1 FROM rewind.%1$I WHERE completed_at >= now() - $1 AND state = ''delivered'')'
      || ' OR EXISTS (SELECT 1 FROM rewind.%1$I WHERE state = ''dead'' AND completed_at >= now() - $2)', ev)
    INTO live USING delivered, dead;
  RETURN live OR EXISTS (
      SELECT 1 FROM rewind.replay_items i JOIN rewind.replays r ON r.id = i.replay_id
      WHERE i.event_id >= rewind.day_bound(d) AND i.event_id < rewind.day_bound(d + 1)
        AND r.phase IN ('Pending', 'Running'));
END
$$;

-- Drops the day partition of events and attempts of day d if nothing in it is still kept (day_is_live); returns
-- the number of events it held by the table statistics (counting them would read the partition), or -1 when the
-- day is kept. The first check runs without locks, so a live day costs only the probes; a day that looks expired
-- is checked again under an exclusive lock on the partitioned tables, taken before the partitions' locks in the
-- order every query takes them, so nothing can claim, replay or resend one of its events between the check and
-- the drop. The lock is held for the probes and the drop only; if it cannot be had within lock_timeout the day
-- is left for the next run: statements queue behind a lock request, capture among them, so the wait is kept short.
-- Items of finished replays that point into the day go with it.
CREATE FUNCTION rewind.drop_day(d date, delivered interval, dead interval) RETURNS bigint
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
    SELECT greatest(c.reltuples, 0)::bigint INTO n FROM pg_class c WHERE c.oid = ('rewind.' || ev)::regclass;
    DELETE FROM rewind.replay_items WHERE event_id >= rewind.day_bound(d) AND event_id < rewind.day_bound(d + 1);
    EXECUTE format('DROP TABLE rewind.%I, rewind.%I', at, ev);
    RETURN n;
  EXCEPTION WHEN lock_not_available THEN
    RETURN -1;
  END;
END
$$;

-- The events of day d retention must keep (as day_is_live tests for them), at most lim of them: found through the
-- same indexes, so the cost is that of the survivors, not of the day.
CREATE FUNCTION rewind.day_survivors(d date, delivered interval, dead interval, lim integer) RETURNS uuid[]
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
      || '   WHERE i.event_id >= $3 AND i.event_id < $4 AND r.phase IN (''Pending'', ''Running'')'
      || ' LIMIT $5) s', 'events_p' || to_char(d, 'YYYYMMDD'))
    INTO kept USING delivered, dead, rewind.day_bound(d), rewind.day_bound(d + 1), lim;
  RETURN kept;
END
$$;

-- Rids a kept day (one drop_day would not drop) of its expired events by moving its survivors rather than deleting
-- the rest: the survivors and their attempts are copied aside, the day's partitions truncated (a new empty file,
-- no dead rows left behind for vacuum) and the survivors put back, so the cost is that of the survivors however
-- large the day. Only for a day with at most max_moved survivors: the day's partitions stay locked meanwhile (every
-- statement that reads them waits, capture's generic plan among them, see EventStore), so a day with more keeps
-- the batched DELETE. Returns how many events went, by the table statistics as drop_day does, 0 when nothing was
-- expired, or -1 when the day was left as it was (too many survivors, or its lock not had within lock_timeout).
CREATE FUNCTION rewind.compact_day(d date, delivered interval, dead interval, max_moved integer) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '200ms'
  AS $$
DECLARE
  ev text := 'events_p' || to_char(d, 'YYYYMMDD');
  at text := 'attempts_p' || to_char(d, 'YYYYMMDD');
  kept uuid[];
  expired boolean;
  total bigint;
BEGIN
  IF to_regclass('rewind.' || ev) IS NULL THEN
    RETURN -1;
  END IF;
  kept := rewind.day_survivors(d, delivered, dead, max_moved + 1);
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
  -- Again under the lock: a replay may have taken an event of the day, or a resend claimed one, meanwhile.
  kept := rewind.day_survivors(d, delivered, dead, max_moved + 1);
  IF cardinality(kept) > max_moved THEN
    RETURN -1;
  END IF;
  SELECT greatest(c.reltuples, 0)::bigint INTO total FROM pg_class c WHERE c.oid = ('rewind.' || ev)::regclass;
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
  DELETE FROM rewind.replay_items
    WHERE event_id >= rewind.day_bound(d) AND event_id < rewind.day_bound(d + 1) AND event_id <> ALL (kept);
  RETURN greatest(total - cardinality(kept), 0);
END
$$;

-- Deletes up to lim expired events in one state (delivered or dead) of one partition of events (a day's or the
-- default), with their attempts and the items of finished replays; returns how many went. For what neither
-- drop_day nor compact_day takes: the default partition, and a day with too many survivors to move. Run on the
-- partition itself, planned for its actual batch size: the same DELETE through the partitioned table, planned
-- generic, joins the batch to every partition by hash, reading all of them.
CREATE FUNCTION rewind.trim_partition(part text, state text, age interval, lim integer) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$
DECLARE
  n bigint;
BEGIN
  IF part !~ '^events_(p[0-9]{8}|default)$' OR to_regclass('rewind.' || part) IS NULL THEN
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

-- The days whose partition could hold only expired events: those that ended before the shorter retention began.
CREATE FUNCTION rewind.expired_days(shorter interval) RETURNS SETOF date
  LANGUAGE sql STABLE SET search_path = pg_catalog
  AS $$
SELECT day FROM (
  SELECT to_date(substr(c.relname, 9), 'YYYYMMDD') AS day
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'rewind.events'::regclass AND c.relname ~ '^events_p[0-9]{8}$') p
WHERE (day + 1)::timestamp AT TIME ZONE 'UTC' <= now() - shorter
ORDER BY day
$$;

REVOKE ALL ON FUNCTION rewind.ensure_partitions(timestamptz, timestamptz), rewind.drop_day(date, interval, interval),
    rewind.secure_partition(text, text), rewind.name_partition_indexes(text),
    rewind.day_is_live(date, interval, interval), rewind.day_survivors(date, interval, interval, integer),
    rewind.compact_day(date, interval, interval, integer), rewind.trim_partition(text, text, interval, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rewind.ensure_partitions(timestamptz, timestamptz), rewind.drop_day(date, interval, interval),
    rewind.compact_day(date, interval, interval, integer), rewind.trim_partition(text, text, interval, integer)
    TO rewind_operator;

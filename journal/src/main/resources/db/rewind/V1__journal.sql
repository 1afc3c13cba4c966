-- Rewind journal, version 1.
--
-- events: one row per captured outbound request, kept byte-exact (hop-by-hop headers dropped), with where its
-- delivery stands. attempts: one row per delivery attempt, whatever triggered it. routes: the resolved Routes the
-- operator publishes for sidecars. replays and replay_items: the fixed matched set of each Replay and how far each
-- item got.

CREATE TABLE rewind.events (
  id               uuid        PRIMARY KEY,           -- Rewind's id, UUIDv7 (time-ordered)
  namespace        text        NOT NULL,
  route            text        NOT NULL,
  route_generation bigint      NOT NULL DEFAULT 0,     -- Route generation the event was captured under
  event_id         text        NOT NULL,              -- id sent on every attempt: the source's, else id::text
  correlation_id   text,
  event_type       text,
  sender_workload  text,
  sender_pod       text,
  method           text        NOT NULL,
  url              text        NOT NULL,              -- destination at capture (route URL + capture suffix)
  path_suffix      text        NOT NULL DEFAULT '',   -- explicit-capture suffix, re-applied by replays
  headers          jsonb       NOT NULL,              -- [[name, value], ...] in arrival order
  body             bytea       NOT NULL,
  received_at      timestamptz NOT NULL,
  state            text        NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'dead')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,                       -- due time; for delivering, when the lease runs out
  lease_owner      text,
  lease_token      bigint      NOT NULL DEFAULT 0,    -- fences outcome writes of a worker whose lease was taken
  last_outcome     text,                              -- delivered, a status code, timeout, connect-failure, ...
  last_attempt_at  timestamptz,
  completed_at     timestamptz                        -- when it became delivered or dead
);

-- The same source event id on the same route is the same event: capture is idempotent.
CREATE UNIQUE INDEX events_event_id ON rewind.events (namespace, route, event_id);
-- Workers claim due work with FOR UPDATE SKIP LOCKED through this partial index.
CREATE INDEX events_due ON rewind.events (namespace, route, next_attempt_at)
  WHERE state IN ('pending', 'delivering', 'failed');
-- Replay selection and listing: route + state + time (ids are time-ordered).
CREATE INDEX events_route_state ON rewind.events (namespace, route, state, id);
CREATE INDEX events_correlation ON rewind.events (namespace, correlation_id) WHERE correlation_id IS NOT NULL;
-- Retention deletes completed events by age.
CREATE INDEX events_completed ON rewind.events (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE rewind.replays (
  id           uuid        PRIMARY KEY,               -- the Replay's metadata.uid (generated when standalone)
  namespace    text        NOT NULL,
  name         text        NOT NULL,
  spec         jsonb       NOT NULL,                  -- the spec as started; a Replay's spec never changes
  retry_policy jsonb,                                 -- override.retryPolicyRef's spec, fixed at start
  phase        text        NOT NULL CHECK (phase IN ('Pending', 'Running', 'Succeeded', 'PartiallyFailed',
                                                     'Failed', 'Cancelled', 'Previewed')),
  matched      bigint      NOT NULL DEFAULT 0,        -- size of the matched set (fixed at start)
  delivered    bigint      NOT NULL DEFAULT 0,        -- items delivered, counted by the outcome writes
  failed       bigint      NOT NULL DEFAULT 0,        -- items the replay's policy gave up on
  sample       text[],                                -- dry run: up to 20 matched ids, oldest first
  message      text,                                  -- why a replay was refused before it started
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,                           -- when the matched set was fixed
  completed_at timestamptz
);
CREATE INDEX replays_by_name ON rewind.replays (namespace, name, created_at);

-- The matched set of a replay, one row per event, and how far each got. Claimed like events are (SKIP LOCKED,
-- lease, fencing token); an item once delivered or dead is never claimed again. replay_id has no foreign key on
-- purpose: items are inserted only by the statement that fixes the set, under a lock on their replays row, and
-- deleted with it (ReplayStore.delete), while a per-row check would cost a third of the time of fixing a set.
CREATE TABLE rewind.replay_items (
  replay_id       uuid        NOT NULL,
  event_id        uuid        NOT NULL REFERENCES rewind.events (id) ON DELETE CASCADE,
  state           text        NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'dead')),
  attempts        integer     NOT NULL DEFAULT 0,     -- attempts this replay made (its policy counts these)
  next_attempt_at timestamptz,                        -- due time; for delivering, when the lease runs out
  lease_owner     text,
  lease_token     bigint      NOT NULL DEFAULT 0,
  last_outcome    text,
  completed_at    timestamptz,
  PRIMARY KEY (replay_id, event_id)
);
CREATE INDEX replay_items_due ON rewind.replay_items (replay_id, next_attempt_at)
  WHERE state IN ('pending', 'delivering', 'failed');
-- Deleting an event (retention) removes its items through the foreign key; without this index every such delete
-- would scan the whole table.
CREATE INDEX replay_items_event ON rewind.replay_items (event_id);

CREATE TABLE rewind.attempts (
  event_id         uuid        NOT NULL REFERENCES rewind.events (id) ON DELETE CASCADE,
  number           integer     NOT NULL,              -- 1, 2, ... per event, across every trigger
  trigger          text        NOT NULL CHECK (trigger IN ('initial', 'retry', 'replay')),
  replay_id        uuid,
  replay_name      text,
  worker           text        NOT NULL,              -- pod (or process) that made the attempt
  destination      text        NOT NULL,
  started_at       timestamptz NOT NULL,
  duration_ms      double precision NOT NULL,
  status_code      integer,
  error_class      text CHECK (error_class IN ('timeout', 'connect', 'dns', 'tls', 'http', 'blocked', 'config')),
  error            text,
  outcome          text        NOT NULL,
  response_headers jsonb,
  response_body    bytea,                             -- the first KiBs only
  PRIMARY KEY (event_id, number)
);
CREATE INDEX attempts_replay ON rewind.attempts (replay_id) WHERE replay_id IS NOT NULL;

CREATE TABLE rewind.routes (
  namespace         text        NOT NULL,
  name              text        NOT NULL,
  generation        bigint      NOT NULL,
  policy_generation bigint,
  workloads         text[],                           -- null: every captured workload of the namespace
  spec              jsonb       NOT NULL,             -- the resolved route (route + retry policy)
  published_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);

-- Sidecars LISTEN on rewind_routes and reload their namespace's routes when it changes.
CREATE FUNCTION rewind.notify_routes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rewind_routes', COALESCE(NEW.namespace, OLD.namespace));
  RETURN NULL;
END;
$$;
CREATE TRIGGER routes_changed AFTER INSERT OR UPDATE OR DELETE ON rewind.routes
  FOR EACH ROW EXECUTE FUNCTION rewind.notify_routes();

-- Rewind journal, version 5: circuit breakers per destination, and attempts that do not spend the retry budget.
--
-- breakers: one row per destination (scheme://host:port of a Route's destination URL), shared by every worker
-- that delivers there (sidecars and the operator's takeover). Every change is one conditional UPDATE (a
-- compare-and-set on state and probe owner), so workers agree without holding a transaction across an HTTP call.
--   closed      attempts flow
--   open        no attempts: events of the destination's routes are held (journaled, not claimed) until
--               opened_at + open_for_ms, when one worker takes the probe lease
--   half_open   probe_owner attempts one held event; its lease ends at probe_until, after which another worker
--               may take the probe (a worker killed mid-probe does not leave the breaker stuck)
--   draining    the probe got an answer: held events are claimed oldest first, paced by drain_next (the time the
--               next token is due, a shared token bucket), until none is left; then closed
-- hold_reason, when set, holds the destination whatever the state: for another writer (the operator, seeing no
-- ready endpoints) to hold deliveries without waiting for failures.
CREATE TABLE rewind.breakers (
  destination  text        PRIMARY KEY,
  state        text        NOT NULL CHECK (state IN ('closed', 'open', 'half_open', 'draining')),
  opened_at    timestamptz,
  open_for_ms  bigint      NOT NULL DEFAULT 30000,
  probe_owner  text,
  probe_until  timestamptz,
  drain_next   timestamptz,
  opened_by    text,                                 -- the worker that opened it last
  last_failure text,                                 -- the outcome that opened it, for status
  hold_reason  text,
  changed_at   timestamptz NOT NULL DEFAULT now()
);

-- Attempts that do not count against the policy's maxAttempts: probes, and attempts that ended after the
-- destination's breaker opened. The budget an event has used is attempts - uncounted_attempts.
ALTER TABLE rewind.events ADD COLUMN uncounted_attempts integer NOT NULL DEFAULT 0;
-- Why an event became dead without a failed attempt saying so (held past its policy's maxAge).
ALTER TABLE rewind.events ADD COLUMN dead_reason text;

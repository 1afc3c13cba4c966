-- Who sends: one row per capturing pod with the workload it belongs to and the labels it carries (the sidecar reads
-- them through the downward API). Events name their pod (events.sender_pod); a trace joins this table for the
-- labels instead of every event carrying a copy of them.
CREATE TABLE rewind.senders (
  namespace text        NOT NULL,
  pod       text        NOT NULL,
  workload  text        NOT NULL,
  labels    jsonb       NOT NULL DEFAULT '{}',
  -- Refreshed by the running sidecar; retention drops pods not seen for longer than any event is kept.
  seen_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, pod)
);
CREATE INDEX senders_seen ON rewind.senders (seen_at);

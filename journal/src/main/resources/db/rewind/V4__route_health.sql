-- Rewind journal, version 4: route health at a bounded cost.
--
-- The operator's leader (and `rewind status`) reads every route's health in one grouped query per interval:
-- the backlog comes from events_due (pending, delivering, failed), recent deliveries from events_completed, and
-- the dead from this index. Dead events accumulate until a replay or retention removes them, and without it
-- counting them would read every event of a namespace; with it, counting reads only the dead ones (index only),
-- "dead since" is a range of it, and the latest dead event of a route is its last entry.
CREATE INDEX events_dead ON rewind.events (namespace, route, completed_at) WHERE state = 'dead';

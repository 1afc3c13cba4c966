-- Rewind journal, version 6: tenant isolation. Each captured namespace's sidecars log in as a role of their own,
-- and PostgreSQL itself (row-level security) limits that role to its namespace's rows.
--
-- Roles (docs/tenant-isolation.md has the grant table):
--   the owner       the role that runs the migrations (in a cluster: the operator's store user). Owns every table
--                   and function; passes the operator policies below (FORCE ROW LEVEL SECURITY would otherwise
--                   lock it out of its own tables); needs CREATEROLE (or superuser) to manage tenant roles.
--   rewind_operator NOLOGIN group: every row of every namespace, for a separately provisioned operator login.
--   rewind_tenant   NOLOGIN group of every namespace role: the privileges a sidecar needs and nothing else. The
--                   rows it reaches are its own namespace's, decided per session by rewind.tenant_namespace().
--   rewind_<ns>_<h> one LOGIN role per captured namespace, member of rewind_tenant, created, rotated and dropped
--                   by rewind.ensure_tenant / rewind.drop_tenant (the operator calls them).
-- Roles are global to a PostgreSQL server, so the two groups may exist already (another Rewind database on the
-- same server, or a DBA who created them for an owner without CREATEROLE); a namespace role's name includes a
-- hash of the database, so two Rewind databases on one server never share one.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rewind_tenant')
      OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rewind_operator') THEN
    IF NOT (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      RAISE EXCEPTION 'journal migration V6 needs the NOLOGIN roles rewind_tenant and rewind_operator: give % '
          'CREATEROLE, or have a database administrator run CREATE ROLE rewind_tenant NOLOGIN; '
          'CREATE ROLE rewind_operator NOLOGIN; (docs/tenant-isolation.md)', current_user;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rewind_tenant') THEN
      CREATE ROLE rewind_tenant NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rewind_operator') THEN
      CREATE ROLE rewind_operator NOLOGIN;
    END IF;
  END IF;
END
$$;

-- Which login role is which namespace's. Only the owner reads it (no grants), through tenant_namespace().
CREATE TABLE rewind.tenants (
  role       name        PRIMARY KEY,
  namespace  text        NOT NULL UNIQUE,
  rotated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON rewind.tenants FROM PUBLIC;

-- The namespace of the session's login role, or NULL (every tenant policy then matches nothing). SECURITY DEFINER
-- so that a namespace role learns its own namespace without reading the mapping of the others; session_user,
-- because inside a SECURITY DEFINER function current_user is the owner. Policies call it as
-- (SELECT rewind.tenant_namespace()), an initplan: once per statement, not once per row.
CREATE FUNCTION rewind.tenant_namespace() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
  AS $$ SELECT namespace FROM rewind.tenants WHERE role = session_user $$;

-- A namespace's role name: never the namespace itself (any text can reach here), but a fixed prefix, a readable
-- part reduced to [a-z0-9_] and a hash of database and namespace, at most 7 + 24 + 1 + 20 = 52 characters.
CREATE FUNCTION rewind.tenant_role_name(ns text) RETURNS name
  LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog
  AS $$ SELECT ('rewind_' || left(regexp_replace(lower(ns), '[^a-z0-9]+', '_', 'g'), 24) || '_'
                || left(md5(current_database() || '/' || ns), 20))::name $$;

-- Creates the namespace's role, or sets a new password on it (rotation: sessions already open stay valid until they
-- reconnect). The password arrives as a SCRAM-SHA-256 verifier computed by the caller, so the clear password never
-- reaches the server or its logs. Every identifier and literal is quoted by format(%I, %L).
CREATE FUNCTION rewind.ensure_tenant(ns text, verifier text) RETURNS name
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$
DECLARE
  r name := rewind.tenant_role_name(ns);
BEGIN
  IF ns IS NULL OR ns = '' THEN
    RAISE EXCEPTION 'a tenant needs a namespace';
  END IF;
  IF verifier IS NULL OR verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    RAISE EXCEPTION 'a tenant password must be given as a SCRAM-SHA-256 verifier';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
    -- Never take over a role that is not a namespace role (a name clash would need an md5 collision, but the
    -- password of, say, an administrator must not be one call away).
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = 'rewind_tenant' AND u.rolname = r) THEN
      RAISE EXCEPTION 'role % exists and is not a Rewind namespace role', r;
    END IF;
    EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', r, verifier);
  ELSE
    EXECUTE format('CREATE ROLE %I WITH LOGIN PASSWORD %L IN ROLE rewind_tenant', r, verifier);
  END IF;
  INSERT INTO rewind.tenants AS t (role, namespace) VALUES (r, ns)
    ON CONFLICT (role) DO UPDATE SET rotated_at = now();
  RETURN r;
END
$$;

-- Drops the namespace's role. A namespace role owns nothing and holds no privilege of its own (they come through
-- rewind_tenant), so DROP ROLE needs no REASSIGN/DROP OWNED; sessions still open keep running until they end, and
-- reach nothing once the mapping row is gone.
CREATE FUNCTION rewind.drop_tenant(ns text) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$
DECLARE
  r name := rewind.tenant_role_name(ns);
  existed boolean;
BEGIN
  DELETE FROM rewind.tenants WHERE namespace = ns;
  existed := EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = 'rewind_tenant' AND u.rolname = r);
  IF existed THEN
    EXECUTE format('DROP ROLE %I', r);
  END IF;
  RETURN existed;
END
$$;

REVOKE ALL ON FUNCTION rewind.ensure_tenant(text, text), rewind.drop_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rewind.ensure_tenant(text, text), rewind.drop_tenant(text) TO rewind_operator;
REVOKE ALL ON FUNCTION rewind.tenant_namespace() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rewind.tenant_namespace() TO rewind_tenant, rewind_operator;

-- attempts carries its event's namespace, written by every attempt insert: a policy on the row itself costs
-- nothing per row, where one that looked the event up would run a subquery per attempt read.
ALTER TABLE rewind.attempts ADD COLUMN namespace text;
UPDATE rewind.attempts a SET namespace = e.namespace FROM rewind.events e WHERE e.id = a.event_id;
ALTER TABLE rewind.attempts ALTER COLUMN namespace SET NOT NULL;

-- A breaker per namespace and destination: with one shared row, a namespace's failures (or a compromised sidecar)
-- would hold every other namespace's deliveries to the same host. An existing row is copied to every namespace
-- with published routes, which keeps what each of them sees today.
ALTER TABLE rewind.breakers ADD COLUMN namespace text;
INSERT INTO rewind.breakers (namespace, destination, state, opened_at, open_for_ms, probe_owner, probe_until,
    drain_next, opened_by, last_failure, hold_reason, changed_at)
  SELECT n.namespace, b.destination, b.state, b.opened_at, b.open_for_ms, b.probe_owner, b.probe_until,
      b.drain_next, b.opened_by, b.last_failure, b.hold_reason, b.changed_at
  FROM rewind.breakers b CROSS JOIN (SELECT DISTINCT namespace FROM rewind.routes) n
  WHERE b.namespace IS NULL;
DELETE FROM rewind.breakers WHERE namespace IS NULL;
ALTER TABLE rewind.breakers DROP CONSTRAINT breakers_pkey;
ALTER TABLE rewind.breakers ALTER COLUMN namespace SET NOT NULL;
ALTER TABLE rewind.breakers ADD PRIMARY KEY (namespace, destination);

-- What a sidecar needs, through the group: capture (events), delivery (events, attempts, breakers), its
-- sender row, its namespace's routes (read only) and the schema version it checks at start. No DELETE anywhere
-- (retention is the operator's), nothing on replays, and no CREATE on the schema.
GRANT USAGE ON SCHEMA rewind TO rewind_tenant, rewind_operator;
GRANT SELECT ON rewind.schema_history TO rewind_tenant, rewind_operator;
GRANT SELECT, INSERT, UPDATE ON rewind.events, rewind.attempts, rewind.senders, rewind.breakers TO rewind_tenant;
GRANT SELECT ON rewind.routes TO rewind_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON rewind.events, rewind.attempts, rewind.senders, rewind.breakers,
    rewind.routes, rewind.replays, rewind.replay_items TO rewind_operator;

-- Row-level security, forced, so that the owner too goes through a policy rather than around every one by
-- accident. Per table: the tenant policy (its namespace's rows; WITH CHECK keeps it from writing others'), and the
-- operator policy for rewind_operator and the owner. replays and replay_items have no tenant policy: nothing there
-- is a sidecar's.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['events', 'attempts', 'senders', 'breakers', 'routes', 'replays', 'replay_items'] LOOP
    EXECUTE format('ALTER TABLE rewind.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE rewind.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY operator_rows ON rewind.%I TO rewind_operator, %I USING (true) WITH CHECK (true)',
        t, current_user);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['events', 'senders', 'breakers'] LOOP
    EXECUTE format('CREATE POLICY tenant_rows ON rewind.%I TO rewind_tenant'
        || ' USING (namespace = (SELECT rewind.tenant_namespace()))'
        || ' WITH CHECK (namespace = (SELECT rewind.tenant_namespace()))', t);
  END LOOP;
END
$$;
CREATE POLICY tenant_rows ON rewind.routes FOR SELECT TO rewind_tenant
  USING (namespace = (SELECT rewind.tenant_namespace()));
-- An attempt a namespace role writes must be about one of its own events: the foreign key alone would let it
-- attach an attempt (carrying its own namespace) to another namespace's event, forging that event's history as a
-- trace shows it. The lookup is the primary key's, on insert and update only; reads filter on the row itself.
CREATE POLICY tenant_rows ON rewind.attempts TO rewind_tenant
  USING (namespace = (SELECT rewind.tenant_namespace()))
  WITH CHECK (namespace = (SELECT rewind.tenant_namespace())
      AND EXISTS (SELECT 1 FROM rewind.events e
                  WHERE e.id = attempts.event_id AND e.namespace = (SELECT rewind.tenant_namespace())));

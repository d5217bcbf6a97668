-- Ingest speed: what every batch of events paid for and nothing needs.

-- Foreign keys to tenants on the tables ingest writes. Each checked every row written against the
-- tenants row (a lookup and a row lock per row). They guard nothing the schema does not already
-- guarantee: the row-level security policies' WITH CHECK (002) accept a row only when its tenant_id
-- is the transaction's tenant (app.tenant_id), set only for a tenant that exists, and the tenant row
-- is never deleted (the application role has no DELETE on tenants, nor does any code path delete one).
-- The other tables keep theirs: they are written rarely.
alter table interview_events drop constraint interview_events_tenant_id_fkey;
alter table candidates drop constraint candidates_tenant_id_fkey;
alter table interviews drop constraint interviews_tenant_id_fkey;
alter table ledger_entries drop constraint ledger_entries_tenant_id_fkey;
alter table daily_usage drop constraint daily_usage_tenant_id_fkey;

-- No query reads events by interview (events are looked up by primary key); the index was only
-- upkeep on every insert into the largest table. Add it back with the first query that needs it.
drop index interview_events_interview_idx;

-- An interview's row is rewritten by most of its events: room on its page lets the new version stay
-- there (a HOT update: no new entries in the primary key or interviews_opening_idx).
alter table interviews set (fillfactor = 80);

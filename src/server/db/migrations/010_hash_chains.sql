-- Tamper evidence (docs/decisions/006): every ledger entry and every audit row carries a SHA-256
-- hash over its canonical content and the hash of the tenant's row before it, so a row changed,
-- removed or slipped in by someone who can write the tables directly (a database superuser) breaks
-- the chain, and `ledger verify` names it. Two chains per tenant: the ledger and the audit log.
--
-- The hashes are computed here, in SQL, by the same functions when a row is appended, when this
-- migration hashes the rows written before it, and when verify checks them: one definition of the
-- canonical form, so writer and verifier cannot drift apart.

-- The hash the first row of a chain is chained to.
create function chain_genesis() returns bytea language sql immutable parallel safe as $$
  select '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
$$;

-- An instant at a fixed precision: whole microseconds since 1970-01-01 UTC (timestamptz's own
-- precision), as an integer, whatever the session's time zone or date style.
create function chain_micros(t timestamptz) returns bigint language sql stable parallel safe as $$
  select (extract(epoch from t) * 1000000)::bigint
$$;

-- The canonical content of a row is a JSON array of its fields in a fixed order, led by the row's
-- kind and the form's version, as UTF-8 bytes. JSON quotes and escapes every string, so no value can
-- pass for a delimiter, and null is not "" (nor 0); every field that means something is in it,
-- including the row's id and the id of the row it follows. Both functions are plain expressions
-- that PostgreSQL inlines into the statements that call them.
create function ledger_entry_content(
  p_tenant_id uuid, p_id bigint, p_prev_id bigint, p_kind text, p_amount_milli bigint, p_lot_id uuid,
  p_interview_id text, p_rule text, p_rule_version int, p_reason text, p_reference text,
  p_effective_at timestamptz, p_created_at timestamptz, p_actor text
) returns bytea language sql stable parallel safe as $$
  select convert_to(json_build_array('ledger_entry', 1, p_tenant_id, p_id, p_prev_id, p_kind, p_amount_milli,
    p_lot_id, p_interview_id, p_rule, p_rule_version, p_reason, p_reference, chain_micros(p_effective_at),
    chain_micros(p_created_at), p_actor)::text, 'UTF8')
$$;

-- `details` is jsonb, whose text form is canonical (keys sorted, one spelling per value).
create function audit_row_content(
  p_tenant_id uuid, p_id bigint, p_prev_id bigint, p_at timestamptz, p_actor text, p_action text, p_details jsonb
) returns bytea language sql stable parallel safe as $$
  select convert_to(json_build_array('audit', 1, p_tenant_id, p_id, p_prev_id, chain_micros(p_at), p_actor,
    p_action, p_details)::text, 'UTF8')
$$;

-- hash(row) = sha256(hash(row before) || content(row)). As a window aggregate over rows in chain
-- order it hashes a whole batch in one statement: hash_chain(head, content) over (order by … rows
-- unbounded preceding), where head is the hash of the row before the first. The step is PL/pgSQL,
-- compiled once per session: a SQL-language step would be planned again in every statement, which
-- cost more than hashing a batch of 150 entries.
create function hash_chain_step(state bytea, head bytea, content bytea) returns bytea
language plpgsql immutable parallel safe as $$
begin
  return sha256(coalesce(state, head) || content);
end $$;
create aggregate hash_chain(bytea, bytea) (sfunc = hash_chain_step, stype = bytea);

-- Each chain's last row per tenant. Appending locks this row, so appends to one chain (from any
-- number of servers) are one at a time, each after the one before it had committed.
create table chain_heads (
  tenant_id uuid not null references tenants(id),
  chain text not null check (chain in ('ledger', 'audit')),
  -- null: nothing appended yet.
  last_id bigint,
  last_hash bytea not null,
  primary key (tenant_id, chain)
);

alter table ledger_entries add column prev_id bigint, add column hash bytea;
alter table audit_log add column prev_id bigint, add column hash bytea;

-- The rows written before this migration, chained per tenant in id order (for the ledger, the order
-- its appends took their ids in, each under the tenant's account lock).
alter table ledger_entries disable trigger ledger_entries_no_update;
update ledger_entries e set prev_id = c.prev_id, hash = c.hash
  from (select tenant_id, id, prev_id,
               hash_chain(chain_genesis(), ledger_entry_content(tenant_id, id, prev_id, kind, amount_milli, lot_id,
                 interview_id, rule, rule_version, reason, reference, effective_at, created_at, actor))
                 over (partition by tenant_id order by id rows unbounded preceding) as hash
          from (select l.*, lag(l.id) over (partition by l.tenant_id order by l.id) as prev_id
                  from (select tenant_id, id, kind, amount_milli, lot_id, interview_id, rule, rule_version, reason,
                               reference, effective_at, created_at, actor from ledger_entries) l) linked) c
 where e.tenant_id = c.tenant_id and e.id = c.id;
alter table ledger_entries enable trigger ledger_entries_no_update;

update audit_log a set prev_id = c.prev_id, hash = c.hash
  from (select tenant_id, id, prev_id,
               hash_chain(chain_genesis(), audit_row_content(tenant_id, id, prev_id, at, actor, action, details))
                 over (partition by tenant_id order by id rows unbounded preceding) as hash
          from (select l.*, lag(l.id) over (partition by l.tenant_id order by l.id) as prev_id
                  from (select tenant_id, id, at, actor, action, details from audit_log) l) linked) c
 where a.tenant_id = c.tenant_id and a.id = c.id;

alter table ledger_entries alter column hash set not null;
alter table audit_log alter column hash set not null;

insert into chain_heads (tenant_id, chain, last_id, last_hash)
select distinct on (tenant_id) tenant_id, 'ledger', id, hash from ledger_entries order by tenant_id, id desc;
insert into chain_heads (tenant_id, chain, last_id, last_hash)
select distinct on (tenant_id) tenant_id, 'audit', id, hash from audit_log order by tenant_id, id desc;

-- The head of a tenant's chain, locked until the transaction ends; made on the first append.
create function lock_chain_head(p_tenant_id uuid, p_chain text) returns chain_heads language plpgsql as $$
declare
  head chain_heads;
begin
  select * into head from chain_heads where tenant_id = p_tenant_id and chain = p_chain for update;
  if not found then
    -- Two first appends at once: the second waits on the first's row here, then finds it below.
    insert into chain_heads (tenant_id, chain, last_hash) values (p_tenant_id, p_chain, chain_genesis())
      on conflict do nothing;
    select * into strict head from chain_heads where tenant_id = p_tenant_id and chain = p_chain for update;
  end if;
  return head;
end $$;

-- Appends a tenant's ledger entries (a JSON array, in order), chained after its last one.
create function append_ledger_entries(p_tenant_id uuid, p_entries json) returns void language plpgsql as $$
declare
  head chain_heads := lock_chain_head(p_tenant_id, 'ledger');
  -- Taken after the head is locked: each append's ids are above those of the appends before it.
  ids bigint[] := array(select nextval('ledger_entries_id_seq') from generate_series(1, json_array_length(p_entries)));
  last_row record;
begin
  if ids[1] <= head.last_id then
    raise exception 'ledger entry id % is not above the chain''s last id %', ids[1], head.last_id;
  end if;
  with appended as (
    insert into ledger_entries (tenant_id, id, prev_id, kind, amount_milli, lot_id, interview_id, rule,
                                rule_version, reason, reference, effective_at, created_at, actor, hash)
    overriding system value
    select p_tenant_id, e.id, e.prev_id, e.kind, e.amount_milli, e.lot_id, e.interview_id, e.rule, e.rule_version,
           e.reason, e.reference, e.effective_at, now(), e.actor,
           hash_chain(head.last_hash, ledger_entry_content(p_tenant_id, e.id, e.prev_id, e.kind, e.amount_milli,
             e.lot_id, e.interview_id, e.rule, e.rule_version, e.reason, e.reference, e.effective_at, now(), e.actor))
             over (order by e.n rows unbounded preceding)
      from (select r.*, ids[r.n] as id, case when r.n = 1 then head.last_id else ids[r.n - 1] end as prev_id
              from rows from (json_to_recordset(p_entries) as (kind text, amount_milli bigint, lot_id uuid,
                     interview_id text, rule text, rule_version int, reason text, reference text,
                     effective_at timestamptz, actor text)) with ordinality as r(kind, amount_milli, lot_id,
                     interview_id, rule, rule_version, reason, reference, effective_at, actor, n)) e
    returning id, hash
  )
  select id, hash into last_row from appended order by id desc limit 1;
  if found then
    update chain_heads set last_id = last_row.id, last_hash = last_row.hash
     where tenant_id = p_tenant_id and chain = 'ledger';
  end if;
end $$;

-- Appends one audit row, chained after the tenant's last one; returns its id.
create function append_audit(p_tenant_id uuid, p_at timestamptz, p_actor text, p_action text, p_details jsonb)
returns bigint language plpgsql as $$
declare
  head chain_heads := lock_chain_head(p_tenant_id, 'audit');
  new_id bigint := nextval('audit_log_id_seq');
  new_hash bytea;
begin
  if new_id <= head.last_id then
    raise exception 'audit row id % is not above the chain''s last id %', new_id, head.last_id;
  end if;
  new_hash := sha256(head.last_hash
    || audit_row_content(p_tenant_id, new_id, head.last_id, p_at, p_actor, p_action, p_details));
  insert into audit_log (tenant_id, id, prev_id, at, actor, action, details, hash) overriding system value
  values (p_tenant_id, new_id, head.last_id, p_at, p_actor, p_action, p_details, new_hash);
  update chain_heads set last_id = new_id, last_hash = new_hash where tenant_id = p_tenant_id and chain = 'audit';
  return new_id;
end $$;

alter table chain_heads enable row level security;
alter table chain_heads force row level security;
create policy tenant_isolation on chain_heads
  using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- No DELETE: a head is only ever moved forward.
grant select, insert, update on chain_heads to meterline_app;
grant usage on sequence ledger_entries_id_seq, audit_log_id_seq to meterline_app;

-- The audit log page reads newest first, filtered by action or by actor.
create index audit_log_action_idx on audit_log (tenant_id, action, id);
create index audit_log_actor_idx on audit_log (tenant_id, actor, id);

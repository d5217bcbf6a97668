-- When an interview finished, stored at ingest: the time its charged state was reached (deriveState's
-- finishedAt in metering/state.ts, docs/product.md "Interview states"), null for every other state.
-- The drawer reads it and `ledger verify` proves it equals deriveState of the stored milestones.
alter table interviews add column finished_at timestamptz;

-- The rule once in SQL, for the rows stored before this column (verify proves the two agree):
-- completed when completed, else ended when ended early, else (only if started) the earlier of
-- expired and cancelled; never started, or started and not stopped, is not finished.
update interviews
   set finished_at = coalesce(completed_at, ended_at,
                              case when started_at is not null then least(expired_at, cancelled_at) end)
 where started_at is not null; -- completing or ending starts an interview too (mergeEvent)

-- One name for credits used beyond every lot: overage (the plan's overage mode and limit say so).
alter table credit_accounts rename column overdraft_milli to overage_milli;
alter table credit_accounts rename constraint credit_accounts_overdraft_milli_check to credit_accounts_overage_milli_check;

-- The entries that move outstanding overage onto a lot are named alike. A change of the kind's
-- name alone, made once by the schema owner: amounts, lots, times and actors stay as they were.
alter table ledger_entries drop constraint ledger_entries_kind_check;
alter table ledger_entries disable trigger ledger_entries_no_update;
update ledger_entries set kind = 'overage_settlement' where kind = 'overdraft_settlement';
alter table ledger_entries enable trigger ledger_entries_no_update;
alter table ledger_entries add constraint ledger_entries_kind_check check (kind in
  ('grant', 'rollover', 'purchase', 'adjustment', 'consumption', 'reversal', 'expiry', 'overage_settlement'));

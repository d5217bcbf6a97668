-- Meterline's core schema. Every tenant-owned table leads its primary key with tenant_id and
-- no query joins across tenants, so the tables can be distributed by tenant_id (docs/scaling.md).
-- Credits are bigint thousandths of a credit ("milli"), never floating point.

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  time_zone text not null,
  -- Billing periods start at this local date plus whole months or years.
  billing_anchor date not null,
  created_at timestamptz not null default now()
);

create table plans (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  period_unit text not null check (period_unit in ('month', 'year')),
  allotment_milli bigint not null check (allotment_milli >= 0),
  rollover_mode text not null check (rollover_mode in ('none', 'all', 'capped')),
  rollover_cap_milli bigint check (rollover_cap_milli >= 0),
  rollover_cap_percent int check (rollover_cap_percent between 0 and 100),
  -- Rolled-over credits expire after this many further periods; null: they keep rolling.
  rollover_expires_after_periods int check (rollover_expires_after_periods >= 1),
  partial_rule jsonb not null,
  overage_mode text not null check (overage_mode in ('allow', 'block')),
  overage_limit_milli bigint not null default 0 check (overage_limit_milli >= 0),
  credit_price_cents int not null check (credit_price_cents >= 0),
  currency text not null default 'USD',
  purchase_validity_months int not null default 12 check (purchase_validity_months >= 1),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table tenant_plans (
  tenant_id uuid primary key references tenants(id),
  plan_id uuid not null,
  foreign key (tenant_id, plan_id) references plans(tenant_id, id)
);

create table users (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  email text not null,
  name text not null,
  role text not null check (role in ('account_admin', 'recruiter', 'viewer')),
  password_hash text not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
-- Logins are by email alone, so an address belongs to one user platform-wide.
create unique index users_email_key on users (lower(email));

create table sessions (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  token_hash text not null unique,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users(tenant_id, id)
);

create table api_keys (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (tenant_id, id)
);

create table openings (
  tenant_id uuid not null references tenants(id),
  id text not null,
  job_title text not null,
  -- The title comes from the latest event by occurred_at (ties: highest event id), so the
  -- result does not depend on the order events arrive in.
  title_event_at timestamptz not null,
  title_event_id text not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null,
  primary key (tenant_id, id)
);

create table candidates (
  tenant_id uuid not null references tenants(id),
  id text not null,
  first_seen_at timestamptz not null,
  primary key (tenant_id, id)
);

create table interviews (
  tenant_id uuid not null references tenants(id),
  id text not null,
  opening_id text not null,
  candidate_id text,
  is_simulation boolean not null,
  state text not null check (state in
    ('invited', 'started', 'completed', 'partially_completed', 'expired', 'cancelled')),
  -- Milestones: each the earliest time seen for it. Together they are a merge that
  -- gives the same record whatever order or how often events arrive.
  invited_at timestamptz not null,
  started_at timestamptz,
  completed_at timestamptz,
  ended_at timestamptz,
  expired_at timestamptz,
  cancelled_at timestamptz,
  completion double precision not null default 0 check (completion between 0 and 1),
  charged_milli bigint not null default 0 check (charged_milli between 0 and 1000),
  charge_rule text,
  charge_rule_version int,
  reversed_at timestamptz,
  reversal_reason text,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, opening_id) references openings(tenant_id, id)
);
create index interviews_opening_idx on interviews (tenant_id, opening_id);

create table interview_events (
  tenant_id uuid not null references tenants(id),
  id text not null,
  type text not null,
  interview_id text not null,
  opening_id text not null,
  candidate_id text,
  job_title text,
  occurred_at timestamptz not null,
  completion double precision,
  -- A hash of the event's content: a repeated id with other content is a conflict.
  payload_hash text not null,
  received_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index interview_events_interview_idx on interview_events (tenant_id, interview_id);

create table credit_accounts (
  tenant_id uuid primary key references tenants(id),
  -- A cache of the sum of ledger_entries.amount_milli; ledger verify proves they agree.
  balance_milli bigint not null default 0,
  -- Consumption not yet borne by any lot (overage); moved onto the next lot granted.
  overdraft_milli bigint not null default 0 check (overdraft_milli >= 0),
  updated_at timestamptz not null default now()
);

create table billing_periods (
  tenant_id uuid not null references tenants(id),
  start_at timestamptz not null,
  end_at timestamptz not null,
  plan_id uuid not null,
  allotment_milli bigint not null,
  closed_at timestamptz,
  primary key (tenant_id, start_at),
  check (end_at > start_at)
);

create table credit_lots (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('grant', 'rollover', 'purchase', 'adjustment')),
  amount_milli bigint not null check (amount_milli >= 0),
  -- A cache of amount minus what was drawn or expired; ledger verify proves it.
  remaining_milli bigint not null check (remaining_milli >= 0),
  granted_at timestamptz not null,
  expires_at timestamptz,
  -- The period whose grant these credits first came from (rollover age is counted from it).
  origin_period_start timestamptz,
  period_start timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index credit_lots_open_idx on credit_lots (tenant_id, expires_at) where remaining_milli > 0;
-- One grant per period, one rollover lot per period and origin: period close is exactly once.
create unique index credit_lots_grant_once on credit_lots (tenant_id, period_start) where kind = 'grant';
create unique index credit_lots_rollover_once on credit_lots (tenant_id, period_start, origin_period_start)
  where kind = 'rollover';

create table ledger_entries (
  tenant_id uuid not null references tenants(id),
  id bigint generated always as identity,
  kind text not null check (kind in
    ('grant', 'rollover', 'purchase', 'adjustment', 'consumption', 'reversal', 'expiry', 'overdraft_settlement')),
  amount_milli bigint not null,
  lot_id uuid,
  interview_id text,
  -- Which rule produced a consumption entry, so any credit can be explained.
  rule text,
  rule_version int,
  reason text,
  reference text,
  -- When the thing recorded happened (the interview's finish, the period's end); created_at
  -- is when it was written.
  effective_at timestamptz not null,
  created_at timestamptz not null default now(),
  actor text not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, lot_id) references credit_lots(tenant_id, id)
);
create index ledger_entries_interview_idx on ledger_entries (tenant_id, interview_id) where interview_id is not null;
create index ledger_entries_lot_idx on ledger_entries (tenant_id, lot_id);
-- A lot expires once.
create unique index ledger_entries_expiry_once on ledger_entries (tenant_id, lot_id) where kind = 'expiry';

create function ledger_entries_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'ledger_entries is append-only: % is not allowed', tg_op;
end $$;
create trigger ledger_entries_no_update before update or delete on ledger_entries
  for each row execute function ledger_entries_append_only();

create table purchases (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  idempotency_key text not null,
  request_hash text not null,
  credits_milli bigint not null check (credits_milli > 0),
  unit_price_cents int not null,
  total_cents bigint not null,
  currency text not null,
  lot_id uuid not null,
  expires_at timestamptz not null,
  balance_after_milli bigint not null,
  actor text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, idempotency_key)
);

create table daily_usage (
  tenant_id uuid not null references tenants(id),
  opening_id text not null,
  day date not null,
  invited int not null default 0,
  started int not null default 0,
  completed int not null default 0,
  partially_completed int not null default 0,
  expired int not null default 0,
  cancelled int not null default 0,
  simulations int not null default 0,
  credits_milli bigint not null default 0,
  primary key (tenant_id, opening_id, day)
);
create index daily_usage_day_idx on daily_usage (tenant_id, day);

create table audit_log (
  tenant_id uuid not null references tenants(id),
  id bigint generated always as identity,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  details jsonb not null default '{}',
  primary key (tenant_id, id)
);

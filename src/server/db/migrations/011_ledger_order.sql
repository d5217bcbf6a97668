-- The ledger is read newest first by when each entry took effect (ties: the later entry first),
-- not by when it was written: a charge dated at an interview's finish can be written after entries
-- dated later (late events, a period closed after downtime). One index serves that order a page at a
-- time; the other serves it filtered by kind (the console's kind filter, and its count).
create index ledger_entries_effective_idx on ledger_entries (tenant_id, effective_at desc, id desc);
create index ledger_entries_kind_effective_idx on ledger_entries (tenant_id, kind, effective_at desc, id desc);

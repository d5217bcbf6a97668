-- An opening's interviews are listed newest invitation first, a page at a time by keyset (the
-- opening drawer): this index serves that order from any interview's place. It also serves every
-- lookup by (tenant, opening) the index it replaces did, so ingest keeps one index here, not two.
create index interviews_opening_invited_idx on interviews (tenant_id, opening_id, invited_at, id);
drop index interviews_opening_idx;

import { PGlite } from '@electric-sql/pglite';

const t0 = Date.now();
const db = await PGlite.create();
console.log('start ms', Date.now() - t0);
await db.exec(`create role app nologin nobypassrls; create table t(tenant_id uuid, v int); alter table t enable row level security;
create policy p on t using (tenant_id = nullif(current_setting('app.tenant_id', true),'')::uuid);
grant select, insert on t to app;
insert into t values ('00000000-0000-0000-0000-000000000001',1),('00000000-0000-0000-0000-000000000002',2);
set role app;`);
console.log(await db.query(`select current_user, count(*) from t`));
await db.transaction(async (tx) => {
  await tx.query(`select set_config('app.tenant_id','00000000-0000-0000-0000-000000000001',true)`);
  console.log((await tx.query('select * from t')).rows);
});
const t1 = Date.now();
const dump = await db.dumpDataDir('none');
console.log('dump ms', Date.now() - t1, dump.size);
const t2 = Date.now();
const db2 = await PGlite.create({ loadDataDir: dump });
console.log('load ms', Date.now() - t2, (await db2.query('select count(*) from t')).rows);

import { startWebhookWorker } from './alerts/worker.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { connect, openReads } from './db/connect.js';
import { usableDemoTemplate } from './db/demo-template.js';
import { startEmbeddedStatistics } from './db/embedded-statistics.js';
import { DEMO_LOGINS, loadDemo, loadedDemoTenants } from './demo/load.js';
import { startPeriodScheduler } from './ledger/scheduler.js';
import { createMetrics } from './metrics/metrics.js';
import { serveMetrics } from './metrics/serve.js';
import { startMailWorker } from './notifications/worker.js';
import { shutdownOnSignal } from './shutdown.js';

/** How often the embedded database's stale planner statistics are renewed (db/embedded-statistics.ts). */
const EMBEDDED_ANALYZE_SECONDS = 300;

/** config → database (migrated) → demo on a new embedded database → HTTP → period scheduler, webhooks. */
async function main() {
  const config = loadConfig();
  const opening = Date.now();
  // A new embedded database with the demo starts as a copy of the one `npm install` loaded it into,
  // when that was today (demo-template.ts); otherwise the demo is loaded here.
  const demoTemplate =
    config.METERLINE_DEMO && config.METERLINE_DEMO_TEMPLATE && !config.DATABASE_URL
      ? usableDemoTemplate(new Date())
      : undefined;
  const { db, isNew, warnings } = await connect(config, { templateDir: demoTemplate });
  const app = await buildApp({ db, config });
  for (const warning of warnings) app.log.warn(warning);
  // Set after the app is built, so the replica's state changes go to its log; before it listens.
  app.deps.reads = await openReads(config, db, app.log);
  app.log.info({ ms: Date.now() - opening, demoTemplate: demoTemplate !== undefined }, 'database opened');
  if (isNew && config.METERLINE_DEMO && (await loadedDemoTenants(db)).length > 0) {
    app.log.info('New embedded database: the demo tenants came with it (loaded today at install)');
  } else if (isNew && config.METERLINE_DEMO) {
    app.log.info('New embedded database: loading the demo tenants (a minute at most, once)...');
    const started = Date.now();
    const demo = await loadDemo(db, { now: new Date(), log: (msg) => app.log.info(msg) });
    app.log.info({ tenants: demo.tenants, ms: Date.now() - started }, 'demo loaded');
  }
  const scheduler = startPeriodScheduler(db, {
    intervalSeconds: config.METERLINE_PERIOD_CHECK_SECONDS,
    now: () => new Date(),
    log: app.log,
  });
  const statistics = startEmbeddedStatistics(db, { intervalSeconds: EMBEDDED_ANALYZE_SECONDS, log: app.log });
  const webhooks = startWebhookWorker(db, {
    intervalSeconds: config.METERLINE_WEBHOOK_CHECK_SECONDS,
    allowPrivate: config.METERLINE_WEBHOOK_ALLOW_PRIVATE,
    now: () => new Date(),
    log: app.log,
  });
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  if (config.METERLINE_METRICS_PORT !== undefined) {
    app.deps.metrics = await createMetrics(() => app.deps);
    metricsServer = await serveMetrics(app.deps.metrics, {
      port: config.METERLINE_METRICS_PORT,
      host: config.HOST,
    });
    app.log.info({ port: config.METERLINE_METRICS_PORT }, 'Prometheus metrics served at /metrics');
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${(app.server.address() as { port: number }).port}`;
  const mail = config.METERLINE_SMTP_URL
    ? startMailWorker(db, {
        smtpUrl: config.METERLINE_SMTP_URL,
        from: config.METERLINE_MAIL_FROM,
        publicUrl: config.METERLINE_PUBLIC_URL ?? url,
        intervalSeconds: config.METERLINE_MAIL_CHECK_SECONDS,
        now: () => new Date(),
        log: app.log,
      })
    : undefined;
  if (!mail) app.log.info('METERLINE_SMTP_URL is not set: no email is sent');
  const database = config.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PGlite in ${config.METERLINE_DATA_DIR}`;
  console.log(`\nMeterline is running at ${url}  (database: ${database})`);
  console.log(`API documentation: ${url}/api/docs`);
  if (config.METERLINE_DEMO) {
    console.log('Demo logins (password for all: meterline-demo):');
    for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(22)} ${l.role} of ${l.tenant}`);
  }

  const shutdown = shutdownOnSignal({
    graceSeconds: config.METERLINE_SHUTDOWN_GRACE_SECONDS,
    log: app.log,
    exit: (code) => process.exit(code),
    interrupt: () => app.server.closeAllConnections(),
    close: async () => {
      await app.close();
      await new Promise((done) => (metricsServer ? metricsServer.close(done) : done(undefined)));
      await scheduler.stop();
      await statistics.stop();
      await webhooks.stop();
      await mail?.stop();
      await app.deps.reads.close();
      await db.close();
    },
  });
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REPLICA_STATES } from '../../shared/contract/service.js';
import type { Database } from '../db/database.js';
import type { ReadRouting } from '../db/replica.js';

/**
 * What the server counts for Prometheus (served on METERLINE_METRICS_PORT: serve.ts). Made only
 * when metrics are served, and prom-client loaded only then, so a server without them carries
 * neither; the routes count through `app.deps.metrics?`.
 */
export interface Metrics {
  registry: Registry;
  /** Each answered request: its method, route pattern (not the URL: ids would be labels) and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Interview events by what ingest did with them: accepted, duplicate, rejected. */
  ingestEvents: Counter<'outcome'>;
  /** Exports by format and how they ended: completed, aborted, failed. */
  exports: Counter<'format' | 'status'>;
  exportsRunning: Gauge<'format'>;
}

/**
 * `deps` (the app's: its database and where it reads) is asked at each scrape; whether there is a
 * replica or a pool at all, once, now.
 */
export async function createMetrics(deps: () => { db: Database; reads: ReadRouting }): Promise<Metrics> {
  const reads = () => deps().reads;
  const prom = await import('prom-client');
  const registry = new prom.Registry();
  // The process' own (memory, CPU, event loop delay, GC) under their usual names, for the usual dashboards.
  prom.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new prom.Gauge({
    name: 'meterline_replica_state',
    help: 'Where the console reads: 1 for the read replica’s current state (none without a replica), 0 for the others',
    labelNames: ['state'],
    registers,
    collect() {
      const { replica } = reads().status();
      for (const state of REPLICA_STATES) this.set({ state }, state === replica ? 1 : 0);
    },
  });
  // Only with a replica: without one there is no lag to report, and an absent series says so.
  if (reads().status().replica !== 'none') {
    new prom.Gauge({
      name: 'meterline_replica_lag_seconds',
      help: 'How old the read replica’s figures are (NaN before it has caught up once)',
      registers,
      collect() {
        this.set(reads().status().lagSeconds ?? Number.NaN);
      },
    });
  }
  if (deps().db.poolStats) {
    new prom.Gauge({
      name: 'meterline_db_pool_connections',
      help: 'The connection pools of the primary and of the read replica (database): connections open (total), idle, requests waiting for one, and the most it opens (max)',
      labelNames: ['database', 'state'],
      registers,
      collect() {
        const pools = { primary: deps().db.poolStats?.(), replica: reads().replicaPoolStats() };
        for (const [database, stats] of Object.entries(pools)) {
          if (stats) for (const [state, n] of Object.entries(stats)) this.set({ database, state }, n);
        }
      },
    });
  }
  return {
    registry,
    httpDuration: new prom.Histogram({
      name: 'meterline_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    ingestEvents: new prom.Counter({
      name: 'meterline_ingest_events_total',
      help: 'Interview events received, by outcome: accepted, duplicate, rejected',
      labelNames: ['outcome'],
      registers,
    }),
    exports: new prom.Counter({
      name: 'meterline_exports_total',
      help: 'Usage exports streamed, by format and how they ended: completed, aborted (the reader went away or stalled), failed',
      labelNames: ['format', 'status'],
      registers,
    }),
    exportsRunning: new prom.Gauge({
      name: 'meterline_exports_running',
      help: 'Usage exports streaming now, by format',
      labelNames: ['format'],
      registers,
    }),
  };
}

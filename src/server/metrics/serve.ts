import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';

/**
 * Serves `GET /metrics` (Prometheus' text format) on a port of its own, apart from the API: it
 * is meant for the platform's scraper on an internal network, so it needs no credential and must
 * not be reachable where the API is.
 */
export async function serveMetrics(metrics: Metrics, where: { port: number; host: string }): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve());
  });
  return server;
}

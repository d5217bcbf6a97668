import { request as httpRequest, type IncomingMessage } from 'node:http';

/**
 * A download whose client reads its first bytes, then stops reading without closing: the server's
 * export waits on it (backpressure). `close` ends it from the client's side.
 */
export function heldDownload(
  port: number,
  path: string,
  cookie: string,
): Promise<{ res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: '127.0.0.1', path, headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`The held download answered ${res.statusCode}`));
      res.once('data', () => {
        res.pause();
        resolve({ res, close: () => req.destroy() });
      });
    });
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.end();
  });
}

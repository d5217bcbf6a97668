import type { Duplex } from 'node:stream';

/**
 * Calls `onStall` once `body` (the download's stream) has stayed full, its reader taking nothing,
 * for `ms`. An export waits for its reader (backpressure) while holding a database connection and
 * transaction, and on PGlite the server's only connection, so a client that stops reading without
 * closing would hold them for as long as it stays connected. Time the server spends making rows,
 * with room in the stream, is never counted. Returns the watch's stop.
 *
 * It watches the stream's buffers rather than its 'data' events: a 'data' listener would start the
 * stream flowing before the response is piped from it, and lose what flowed.
 */
export function watchStall(body: Duplex, ms: number, onStall: () => void): () => void {
  const buffered = () => body.readableLength + body.writableLength;
  let lastTaken = Date.now();
  let lastBuffered = buffered();
  const taken = () => {
    lastTaken = Date.now();
  };
  body.on('drain', taken);
  const timer = setInterval(
    () => {
      const now = buffered();
      // While the stream is full the export writes nothing, so a smaller buffer means the reader took some.
      if (!body.writableNeedDrain || now < lastBuffered) taken();
      lastBuffered = now;
      if (body.writableNeedDrain && Date.now() - lastTaken >= ms) {
        stop();
        onStall();
      }
    },
    Math.max(50, ms / 4),
  );
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    body.off('drain', taken);
  };
  return stop;
}

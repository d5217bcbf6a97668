import type { FastifyBaseLogger } from 'fastify';
import { withTimeLimit } from './time-limit.js';

export interface ShutdownOptions {
  /** Closes what the server opened, in order: the API (running requests end first), then the rest. */
  close: () => Promise<void>;
  /**
   * Cuts running requests short (drops their connections), so the close under way ends soon: a
   * download so cut is stopped and audited `aborted` as if its client had gone.
   */
  interrupt: () => void;
  /** How long the close may take before running requests are cut short. */
  graceSeconds: number;
  log: FastifyBaseLogger;
  exit: (code: number) => void;
}

/** How long a close whose requests were cut short has left to write their audit entries and end. */
export const CUT_SHORT_MS = 3_000;

/**
 * The handler of SIGINT and SIGTERM. The first signal closes the server gracefully and exits 0:
 * running requests, downloads included, are let finish. A second signal, a close that outlasts the
 * grace period, or one that fails exits 1 soon: running requests are cut short, and the close has
 * CUT_SHORT_MS more to end (a third signal exits at once). An operator's second Ctrl-C, or a
 * supervisor, is not kept waiting by a long download or a database that no longer answers.
 */
export function shutdownOnSignal({
  close,
  interrupt,
  graceSeconds,
  log,
  exit,
}: ShutdownOptions): (signal: string) => void {
  let closing: Promise<void> | undefined;
  let forced = false;
  let exited = false;
  const done = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };
  const force = (why: string, err?: unknown) => {
    if (forced) {
      log.warn({ why }, 'exiting at once');
      return done(1);
    }
    forced = true;
    log.warn({ why, err }, 'shutdown forced: cutting running requests short');
    interrupt();
    const end = () => done(1);
    withTimeLimit(closing ?? Promise.resolve(), CUT_SHORT_MS).then(end, end);
  };
  return (signal) => {
    if (closing) return force(`another signal (${signal})`);
    log.info({ signal, graceSeconds }, 'shutting down');
    closing = close();
    withTimeLimit(closing, graceSeconds * 1000).then(
      () => {
        if (!forced) done(0);
      },
      (err: unknown) => force('the close failed or outlasted its grace period', err),
    );
  };
}

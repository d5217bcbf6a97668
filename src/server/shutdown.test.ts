import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CUT_SHORT_MS, shutdownOnSignal } from './shutdown.js';

const log = pino({ level: 'silent' });

/** A close the test ends when it likes, what cuts requests short, and the exit codes asked for. */
function server() {
  let finish: (err?: Error) => void = () => {};
  const close = vi.fn(
    () => new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve()))),
  );
  const interrupt = vi.fn();
  const exits: number[] = [];
  const signal = shutdownOnSignal({
    close,
    interrupt,
    graceSeconds: 5,
    log,
    exit: (code) => exits.push(code),
  });
  return { close, interrupt, exits, signal, finish: (err?: Error) => finish(err) };
}

afterEach(() => vi.useRealTimers());

describe('shutdownOnSignal', () => {
  it('closes once, cutting nothing short, and exits 0 when the close ends', async () => {
    const s = server();
    s.signal('SIGTERM');
    expect(s.close).toHaveBeenCalledTimes(1);
    expect(s.exits).toEqual([]);
    s.finish();
    await vi.waitFor(() => expect(s.exits).toEqual([0]));
    expect(s.interrupt).not.toHaveBeenCalled();
  });

  it('on a second signal cuts requests short and exits 1 once the close has ended', async () => {
    const s = server();
    s.signal('SIGTERM');
    s.signal('SIGINT');
    expect(s.close).toHaveBeenCalledTimes(1);
    expect(s.interrupt).toHaveBeenCalledTimes(1);
    expect(s.exits).toEqual([]);
    s.finish();
    await vi.waitFor(() => expect(s.exits).toEqual([1]));
  });

  it('exits 1 at a third signal, or CUT_SHORT_MS after the second, if the close still has not ended', async () => {
    vi.useFakeTimers();
    const third = server();
    third.signal('SIGTERM');
    third.signal('SIGTERM');
    third.signal('SIGTERM');
    expect(third.exits).toEqual([1]);
    const second = server();
    second.signal('SIGTERM');
    second.signal('SIGTERM');
    await vi.advanceTimersByTimeAsync(CUT_SHORT_MS - 1);
    expect(second.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(second.exits).toEqual([1]);
  });

  it('cuts requests short when the close outlasts the grace period, not before', async () => {
    vi.useFakeTimers();
    const s = server();
    s.signal('SIGTERM');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(s.interrupt).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(s.interrupt).toHaveBeenCalledTimes(1);
    s.finish();
    await vi.waitFor(() => expect(s.exits).toEqual([1]));
  });

  it('exits 1 when the close fails', async () => {
    const s = server();
    s.signal('SIGINT');
    s.finish(new Error('the database is gone'));
    await vi.waitFor(() => expect(s.exits).toEqual([1]));
  });
});

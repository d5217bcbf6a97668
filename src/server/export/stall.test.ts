import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchStall } from './stall.js';

const fill = (body: PassThrough) => {
  while (body.write(Buffer.alloc(1024))) {}
};

describe('watchStall', () => {
  it('calls back once the stream has stayed full, its reader taking nothing, for the time given', async () => {
    const body = new PassThrough();
    let stalled = 0;
    watchStall(body, 100, () => stalled++);
    fill(body);
    await sleep(60);
    expect(stalled).toBe(0);
    await sleep(250);
    expect(stalled).toBe(1);
  });

  it('never counts time the stream has room (the server making rows), nor a reader that keeps taking', async () => {
    const body = new PassThrough();
    let stalled = 0;
    const stop = watchStall(body, 100, () => stalled++);
    await sleep(300);
    expect(stalled).toBe(0);
    // Full, and the reader takes 1 KiB every 40 ms: the stream stays full (the writer, like an export,
    // writes again only on 'drain'), but never 100 ms passes without the reader taking something.
    fill(body);
    body.on('drain', () => fill(body));
    for (let i = 0; i < 12; i++) {
      await sleep(40);
      body.read(1024);
    }
    expect(stalled).toBe(0);
    stop();
  });
});

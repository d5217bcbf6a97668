import { describe, expect, it } from 'vitest';
import { withTimeLimit } from './time-limit.js';

describe('withTimeLimit', () => {
  it("gives the work's own outcome when it settles in time", async () => {
    await expect(withTimeLimit(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(withTimeLimit(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
  });

  it('rejects, naming the limit, when the work does not settle in time', async () => {
    await expect(withTimeLimit(new Promise(() => {}), 20)).rejects.toThrow('no answer in 20 ms');
  });
});

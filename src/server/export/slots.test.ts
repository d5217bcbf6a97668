import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExportSlots } from './slots.js';

describe('ExportSlots', () => {
  it('refuses past the server cap and past a tenant’s half of it, and frees a slot once released', () => {
    const slots = new ExportSlots(4);
    const a1 = slots.take('a');
    const a2 = slots.take('a');
    expect(slots.take('a')).toEqual({ full: 'tenant' });
    const b1 = slots.take('b');
    const c1 = slots.take('c');
    expect(slots.take('d')).toEqual({ full: 'server' });
    if (!('release' in a1) || !('release' in a2) || !('release' in b1) || !('release' in c1))
      throw new Error('a slot was refused below the cap');
    a1.release();
    a1.release();
    expect('release' in slots.take('d')).toBe(true);
    expect(slots.take('a')).toEqual({ full: 'server' });
  });

  it('gives a server with one slot to one tenant at a time', () => {
    const slots = new ExportSlots(1);
    expect(slots.tenantShare).toBe(1);
    const a = slots.take('a');
    expect(slots.take('b')).toEqual({ full: 'server' });
    if ('release' in a) a.release();
    expect('release' in slots.take('b')).toBe(true);
  });

  it('never holds more than its cap, nor a tenant more than its share, whatever the order', () => {
    const step = fc.oneof(
      fc.record({ take: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ release: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 60 }), (capacity, steps) => {
        const slots = new ExportSlots(capacity);
        const held: { tenant: string; release: () => void }[] = [];
        for (const s of steps) {
          if ('take' in s) {
            const slot = slots.take(s.take);
            const tenantHeld = held.filter((h) => h.tenant === s.take).length;
            const fits = held.length < capacity && tenantHeld < slots.tenantShare;
            expect('release' in slot).toBe(fits);
            if ('release' in slot) held.push({ tenant: s.take, release: slot.release });
          } else if (held.length > 0) {
            const [h] = held.splice(s.release % held.length, 1);
            h?.release();
          }
        }
      }),
    );
  });
});

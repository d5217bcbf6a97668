import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { receiptPdf } from './pdf.js';

vi.mock('node:fs', async (original) => {
  const actual = await original<typeof import('node:fs')>();
  return { ...actual, readFileSync: vi.fn(actual.readFileSync) };
});

const receipt = {
  purchaseId: 'p-1',
  idempotencyKey: 'k-1',
  creditsMilli: 10_000,
  unitPriceCents: 250,
  totalCents: 2_500,
  currency: 'USD',
  createdAt: new Date('2026-03-01T10:00:00Z'),
  expiresAt: new Date('2027-03-01T10:00:00Z'),
  boughtBy: 'admin@acme.test',
};
const header = { tenantName: 'Acme Talent', timeZone: 'UTC', madeAt: new Date('2026-03-02T00:00:00Z') };

describe('the PDF writer, loaded at the first document', () => {
  it('loads again after a first load failed, rather than failing every document after it', async () => {
    vi.mocked(fs.readFileSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    });
    await expect(receiptPdf(receipt, header)).rejects.toThrow('EMFILE');
    const doc = await receiptPdf(receipt, header);
    const chunks: Buffer[] = [];
    for await (const chunk of doc) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

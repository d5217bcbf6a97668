import { createHash } from 'node:crypto';
import type { InterviewFilter, RowFigure } from '../../shared/contract/consumption.js';
import { DomainError } from '../errors.js';
import type { InterviewKey } from './queries.js';
import type { DateRange } from './range.js';

/**
 * The opening drawer's opaque cursor (docs/product.md, The opening drawer): the last interview's
 * place in the order, the next page's number and the first page's `total`, which is counted once
 * and carried so that a deep page reads only its own rows. It also holds a digest of the query it
 * was made for, so a cursor replayed with another range, filter or page size is refused rather
 * than giving a page of another list.
 */
export interface DrawerCursor {
  page: number;
  total: number;
  after: InterviewKey;
}

/** What a cursor is bound to: the same opening, resolved range, filters and page size. */
export function drawerQuery(q: {
  openingId: string;
  range: DateRange;
  status?: InterviewFilter;
  countedIn?: RowFigure;
  pageSize: number;
}): string {
  const text = JSON.stringify([q.openingId, q.range.from, q.range.to, q.status, q.countedIn, q.pageSize]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

export const encodeDrawerCursor = (query: string, c: DrawerCursor): string =>
  Buffer.from(`iv1.${query}.${c.page}.${c.total}.${c.after.invitedAtUs}.${c.after.id}`).toString('base64url');

// The id comes last: it is the one part that may hold any character, dots included.
const CURSOR = /^iv1\.([\w-]{16})\.(\d{1,9})\.(\d{1,12})\.(-?\d{1,16})\.(.{1,200})$/s;

export function decodeDrawerCursor(cursor: string, query: string): DrawerCursor {
  const m = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new DomainError('invalid_cursor', 'The cursor is not one this API gave out.');
  if (m[1] !== query) {
    throw new DomainError(
      'invalid_cursor',
      'The cursor was given for another query: pass the same range, filters and pageSize.',
    );
  }
  const invitedAtUs = Number(m[4]);
  const page = Number(m[2]);
  // PostgreSQL refuses a NUL in text: such a cursor is not ours and must not reach the query.
  if (page < 2 || !Number.isSafeInteger(invitedAtUs) || m[5]?.includes('\0')) {
    throw new DomainError('invalid_cursor', 'The cursor is not one this API gave out.');
  }
  return { page, total: Number(m[3]), after: { invitedAtUs, id: m[5] as string } };
}

/** An open credit lot as the draw rule sees it. */
export interface OpenLot {
  id: string;
  remainingMilli: number;
  /** Epoch ms; null never expires. */
  expiresAt: number | null;
  grantedAt: number;
  /**
   * Epoch ms of when these credits were first granted: the origin period's start for rolled-over
   * credits, else grantedAt. A rollover lot and the period's grant expire together; the older goes first.
   */
  originAt: number;
}

export interface Draw {
  /** null: overage, borne by no lot until the next lot arrives. */
  lotId: string | null;
  milli: number;
}

/**
 * Consumption draws from the lot that expires first, then the one whose credits are oldest (rolled-over
 * credits before the grant they expire with), then the one granted first; lots never go negative.
 */
export function sortForDrawing<T extends OpenLot>(lots: T[]): T[] {
  return [...lots].sort(
    (a, b) =>
      (a.expiresAt ?? Number.POSITIVE_INFINITY) - (b.expiresAt ?? Number.POSITIVE_INFINITY) ||
      a.originAt - b.originAt ||
      a.grantedAt - b.grantedAt ||
      (a.id < b.id ? -1 : 1),
  );
}

/**
 * Splits `milli` across lots in drawing order, mutating their remaining amounts; what no lot
 * can bear is one overage draw.
 */
export function allocateDraw(sortedLots: OpenLot[], milli: number): Draw[] {
  const draws: Draw[] = [];
  let left = milli;
  for (const lot of sortedLots) {
    if (left === 0) break;
    const take = Math.min(lot.remainingMilli, left);
    if (take === 0) continue;
    lot.remainingMilli -= take;
    left -= take;
    draws.push({ lotId: lot.id, milli: take });
  }
  if (left > 0) draws.push({ lotId: null, milli: left });
  return draws;
}

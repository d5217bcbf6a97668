import { formatPercent } from '../../lib/format';

/** The projection's band, named by its level (the server's BAND_LEVEL, src/server/forecast/band.ts). */
export const BAND = `${formatPercent(0.8)} band`;

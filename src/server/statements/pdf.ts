import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { localDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import { formatCredits, formatDate, formatMoney } from '../../shared/display.js';
import type { StatementFigures } from './figures.js';

/**
 * Noto Sans, embedded (subset to the glyphs used): tenant names and job titles come in any Latin,
 * Greek, Cyrillic, Vietnamese or Devanagari spelling, where PDF's standard Helvetica writes
 * Western European text alone (docs/product.md, Statements).
 */
const fontData = (name: string) =>
  readFileSync(createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-sans/${name}`));
/**
 * PDFKit and the fonts, loaded at the first document rather than at start-up: most servers' lives
 * never need them, and PDFKit alone is ~28 MiB of a server's resident memory.
 */
let kit: Promise<{ PDFDocument: typeof import('pdfkit'); regular: Buffer; bold: Buffer }> | undefined;
const loadKit = () => {
  kit ??= import('pdfkit')
    .then(({ default: PDFDocument }) => ({
      PDFDocument,
      regular: fontData('400Regular/NotoSans_400Regular.ttf'),
      bold: fontData('700Bold/NotoSans_700Bold.ttf'),
    }))
    .catch((err: unknown) => {
      // Not kept: a read that failed once (no file handle free, say) is tried again by the next document.
      kit = undefined;
      throw err;
    });
  return kit;
};
const REGULAR = 'regular';
const BOLD = 'bold';

const MARGIN = 56;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 283;

/** What every document names: the tenant, and when it was made (its date, so a download is reproducible). */
export interface DocumentHeader {
  tenantName: string;
  timeZone: string;
  madeAt: Date;
}

/** A row of a two-column table: a label and a value read right-aligned. */
type Row = readonly [label: string, value: string];

async function newDocument(title: string, header: DocumentHeader): Promise<PDFKit.PDFDocument> {
  const { PDFDocument, regular, bold } = await loadKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: title, Author: 'Meterline', CreationDate: header.madeAt },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  doc.font(BOLD).fontSize(18).text(title);
  doc.moveDown(0.3);
  doc.font(REGULAR).fontSize(11).text(header.tenantName);
  doc.moveDown(1);
  return doc;
}

function table(doc: PDFKit.PDFDocument, rows: readonly Row[], bold: ReadonlySet<string> = new Set()): void {
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font(bold.has(label) ? BOLD : REGULAR).fontSize(11);
    doc.text(label, MARGIN, y, { width: LABEL_WIDTH });
    const labelBottom = doc.y;
    doc.text(value, MARGIN + LABEL_WIDTH, y, { width: VALUE_WIDTH, align: 'right' });
    // Either column may wrap: the row ends below the taller.
    doc.y = Math.max(doc.y, labelBottom);
    doc
      .moveTo(MARGIN, doc.y + 3)
      .lineTo(MARGIN + LABEL_WIDTH + VALUE_WIDTH, doc.y + 3)
      .strokeColor('#dddddd')
      .stroke();
    doc.y += 8;
  }
  doc.x = MARGIN;
}

function footer(doc: PDFKit.PDFDocument, header: DocumentHeader, note: string): void {
  doc.moveDown(1.5);
  doc.font(REGULAR).fontSize(9).fillColor('#555555');
  doc.text(note, MARGIN, doc.y, { width: LABEL_WIDTH + VALUE_WIDTH });
  doc.text(
    `Made on ${formatDate(localDate(header.madeAt, header.timeZone))} (${header.timeZone}).`,
    MARGIN,
    doc.y,
  );
}

const credits = (milli: number) => formatCredits(milliToCredits(milli));
/** Credits taken off, with a hyphen-minus: what a reader copying the figure into a spreadsheet gets as a sign. */
const minus = (milli: number) => (milli === 0 ? credits(0) : `-${credits(milli)}`);

/** A billing period's statement; the caller pipes the document and it ends itself. */
export async function statementPdf(s: StatementFigures, header: DocumentHeader): Promise<PDFKit.PDFDocument> {
  const doc = await newDocument('Credit statement', header);
  doc
    .font(REGULAR)
    .fontSize(11)
    .text(
      `Billing period ${formatDate(s.periodStart)} – ${formatDate(s.periodEnd)}${s.closed ? '' : ' (in progress)'}`,
    );
  doc.moveDown(1);
  const rows: Row[] = [
    ['Opening balance', credits(s.openingMilli)],
    ['Grants', credits(s.grantsMilli)],
    ['Rollover in', credits(s.rolloverMilli)],
    ['Purchases', credits(s.purchasesMilli)],
    ['Auto top-ups', credits(s.autoTopUpsMilli)],
    ['Consumption', minus(s.consumptionMilli)],
    ...s.topOpenings.map(
      (o) => [`    ${o.jobTitle ?? o.openingId} (${o.openingId})`, minus(o.milli)] as const,
    ),
    ...(s.topOpenings.length > 0 && s.otherOpeningsMilli !== 0
      ? [['    Other openings', minus(s.otherOpeningsMilli)] as const]
      : []),
    ['Reversals', credits(s.reversalsMilli)],
    ...(s.adjustmentsMilli === 0 ? [] : [['Adjustments', credits(s.adjustmentsMilli)] as const]),
    ['Expiry', minus(s.expiryMilli)],
    [s.closed ? 'Closing balance' : 'Closing balance (as of now)', credits(s.closingMilli)],
    ...(s.rolledOverMilli === null ? [] : [['of which rolled over', credits(s.rolledOverMilli)] as const]),
  ];
  table(doc, rows, new Set(['Opening balance', 'Closing balance', 'Closing balance (as of now)']));
  footer(
    doc,
    header,
    s.closed
      ? 'Figures in credits, from the credit ledger. The closing balance is the balance at the period’s end after ' +
          'its expiry, before the next period’s grant; the next period opens with it less what rolled over.'
      : 'Figures in credits, from the credit ledger. The period is in progress: the closing balance is the balance now.',
  );
  doc.end();
  return doc;
}

export interface ReceiptDetails {
  purchaseId: string;
  idempotencyKey: string;
  creditsMilli: number;
  unitPriceCents: number;
  totalCents: number;
  currency: string;
  createdAt: Date;
  expiresAt: Date;
  boughtBy: string;
}

/** A purchase's receipt; the caller pipes the document and it ends itself. */
export async function receiptPdf(r: ReceiptDetails, header: DocumentHeader): Promise<PDFKit.PDFDocument> {
  const doc = await newDocument('Receipt', header);
  const rows: Row[] = [
    ['Date', formatDate(localDate(r.createdAt, header.timeZone))],
    ['Credits', credits(r.creditsMilli)],
    ['Unit price (a credit)', formatMoney(r.unitPriceCents, r.currency)],
    ['Amount', formatMoney(r.totalCents, r.currency)],
    ['Credits expire on', formatDate(localDate(r.expiresAt, header.timeZone))],
    ['Bought by', r.boughtBy],
    ['Purchase id', r.purchaseId],
    ['Idempotency key', r.idempotencyKey],
  ];
  table(doc, rows, new Set(['Amount']));
  footer(doc, header, 'A fraction of a credit is charged pro rata, rounded up to a cent.');
  doc.end();
  return doc;
}

import escapeHtml from 'escape-html';
import { formatCredits, formatMoney, formatNumber, formatPercent } from '../../shared/display.js';
import type { DigestPayload } from './digest.js';

/** An email as sent: its subject and both parts, the plain text one first. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailContext {
  tenantName: string;
  /** Where the console is, for the link to it. */
  consoleUrl: string;
  /** This recipient's link that turns off every email to it. */
  unsubscribeUrl: string;
}

/** An alert's webhook body, which the email retells (docs/product.md, Webhooks). */
export interface AlertPayload {
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

const day = (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 10) : '');

/** What the alert says, as lines; the first is the email's subject. */
function alertLines(p: AlertPayload, tenantName: string): string[] {
  const d = p.data;
  if (p.type === 'credits.threshold_reached') {
    const left = Number(d.percentLeft) / 100;
    return [
      `${tenantName}: ${formatPercent(left)} of this period's credits left`,
      `The credits left fell to the alert threshold of ${d.thresholdPercent}%: ` +
        `${formatCredits(Number(d.balance))} of the period's ${formatCredits(Number(d.allotment))} credits are left.`,
      `Billing period: ${day(d.periodStart)} to ${day(d.periodEnd)}.`,
    ];
  }
  if (p.type === 'credits.threshold_resolved') {
    const left = Number(d.percentLeft) / 100;
    return [
      `${tenantName}: credits back above the ${d.thresholdPercent}% alert (${formatPercent(left)} left)`,
      `The credits left rose back above the alert threshold of ${d.thresholdPercent}%: ` +
        `${formatCredits(Number(d.balance))} of the period's ${formatCredits(Number(d.allotment))} credits are left. ` +
        'The alert is resolved and will be raised again if the credits fall to it.',
      `Billing period: ${day(d.periodStart)} to ${day(d.periodEnd)}.`,
    ];
  }
  if (p.type === 'budget.threshold_reached') {
    const scope = (d.scope ?? {}) as { kind?: unknown; value?: unknown };
    return [
      `${tenantName}: the budget for ${scope.kind} ${scope.value} reached ${d.thresholdPercent}%`,
      `${formatCredits(Number(d.used))} of its ${formatCredits(Number(d.credits))} credits are used (${d.percentUsed}%).`,
      d.windowStart ? `Window: ${d.windowStart} to ${d.windowEnd}.` : 'Window: all time.',
      d.onExhausted === 'block'
        ? 'Once it is used up, new interviews in its scope are refused.'
        : 'Once it is used up, it alerts only.',
    ];
  }
  if (p.type === 'budget.threshold_resolved') {
    const scope = (d.scope ?? {}) as { kind?: unknown; value?: unknown };
    return [
      `${tenantName}: the budget for ${scope.kind} ${scope.value} is back below ${d.thresholdPercent}%`,
      `${formatCredits(Number(d.used))} of its ${formatCredits(Number(d.credits))} credits are used (${d.percentUsed}%). ` +
        'The alert is resolved and will be raised again if usage reaches it.',
      d.windowStart ? `Window: ${d.windowStart} to ${d.windowEnd}.` : 'Window: all time.',
    ];
  }
  if (p.type === 'credits.auto_top_up') {
    return [
      `${tenantName}: auto top-up bought ${formatCredits(Number(d.credits))} credits`,
      `The balance fell below ${formatCredits(Number(d.belowCredits))} credits, so ${formatCredits(Number(d.credits))} ` +
        `credits were bought for ${formatMoney(Number(d.totalCents), String(d.currency))}. ` +
        `The balance is now ${formatCredits(Number(d.balanceAfter))} credits.`,
      `This month auto top-up has bought ${formatCredits(Number(d.boughtThisMonth))} of its ` +
        `${formatCredits(Number(d.monthlyCapCredits))}-credit cap.`,
    ];
  }
  if (p.type === 'credits.auto_top_up_capped') {
    return [
      `${tenantName}: auto top-up stopped by its monthly cap`,
      `The balance fell below ${formatCredits(Number(d.belowCredits))} credits, but a top-up of ` +
        `${formatCredits(Number(d.buyCredits))} credits would pass this month's cap of ` +
        `${formatCredits(Number(d.monthlyCapCredits))} (${formatCredits(Number(d.boughtThisMonth))} bought so far). ` +
        `No credits were bought; the balance is ${formatCredits(Number(d.balance))} credits.`,
      'Buy credits or raise the cap on Plan & credits: no further top-up is made this month unless the cap is raised.',
    ];
  }
  // Alert types without their own wording (later kinds) retell their data as it is.
  return [
    `${tenantName}: ${p.type}`,
    ...Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`),
  ];
}

function compose(lines: string[], ctx: EmailContext): RenderedEmail {
  const [subject = '', ...body] = lines;
  const footer = `You receive this as a recipient of ${ctx.tenantName}'s Meterline notifications.`;
  const text = [
    ...body,
    '',
    `Open the console: ${ctx.consoleUrl}`,
    '',
    footer,
    `Unsubscribe: ${ctx.unsubscribeUrl}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;color:#1a1b1e">',
    ...body.map((l) => `<p>${escapeHtml(l)}</p>`),
    `<p><a href="${escapeHtml(ctx.consoleUrl)}">Open the console</a></p>`,
    `<p style="color:#495057;font-size:13px">${escapeHtml(footer)} `,
    `<a href="${escapeHtml(ctx.unsubscribeUrl)}">Unsubscribe</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The weekly digest: the week's totals, its openings by credits, the balance and the runway. */
export function renderDigestEmail(p: DigestPayload, ctx: EmailContext): RenderedEmail {
  return compose(
    [
      `${ctx.tenantName}: ${formatCredits(p.credits)} credits used from ${p.from} to ${p.to}`,
      `Last week (${p.from} to ${p.to}): ${formatNumber(p.interviews)} interviews ` +
        `(${formatNumber(p.completed)} completed, ${formatNumber(p.partiallyCompleted)} partially completed), ` +
        `${formatCredits(p.credits)} credits used.`,
      ...(p.openings.length === 0
        ? ['No opening used credits.']
        : [
            'By opening, most credits first:',
            ...p.openings.map(
              (o) =>
                `• ${o.jobTitle}: ${formatCredits(o.credits)} credits (${formatNumber(o.completed)} completed, ` +
                `${formatNumber(o.partiallyCompleted)} partially completed)`,
            ),
            ...(p.moreOpenings > 0
              ? [`and ${formatNumber(p.moreOpenings)} more openings (in the attached CSV).`]
              : []),
          ]),
      `Balance now: ${formatCredits(p.balance)} credits. ` +
        (p.runOut
          ? `At the forecast pace they run out on ${p.runOut}.`
          : 'At the forecast pace they last beyond the forecast horizon.'),
      'The attached CSV has the week by day and opening, as the console exports it.',
    ],
    ctx,
  );
}

/** A period's statement, attached as a PDF. */
export function renderStatementEmail(p: { periodStart: string }, ctx: EmailContext): RenderedEmail {
  return compose(
    [
      `${ctx.tenantName}: the statement of the billing period from ${p.periodStart}`,
      `The billing period that began on ${p.periodStart} has closed. Its statement is attached as a PDF: ` +
        'the opening balance, grants, rollover, purchases, consumption, reversals, expiry and the closing balance.',
      'Every statement is also on Plan & credits in the console.',
    ],
    ctx,
  );
}

export function renderAlertEmail(payload: AlertPayload, ctx: EmailContext): RenderedEmail {
  return compose(alertLines(payload, ctx.tenantName), ctx);
}

import type { FastifyBaseLogger } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/database.js';
import { startPeriodic } from '../periodic.js';
import { type DigestSchedule, queueWeeklyDigests } from './digest.js';
import { sendDueEmails } from './outbox.js';

/**
 * Sends due emails every `intervalSeconds` through the SMTP server at `smtpUrl` (`smtp://` plain or
 * STARTTLS as the server offers, `smtps://` TLS from the start), and at start for any a restart
 * left behind. nodemailer is loaded here, with the first run, so that a server without SMTP never
 * carries it (~15 MiB of resident memory).
 */
export function startMailWorker(
  db: Database,
  opts: {
    smtpUrl: string;
    from: string;
    publicUrl: string;
    intervalSeconds: number;
    now: () => Date;
    log: FastifyBaseLogger;
  },
): { stop(): Promise<void> } {
  let transport: Transporter | undefined;
  const digests: DigestSchedule = new Map();
  const periodic = startPeriodic(async () => {
    try {
      transport ??= (await import('nodemailer')).createTransport(opts.smtpUrl);
      await queueWeeklyDigests(db, opts.now(), digests);
      const r = await sendDueEmails(db, opts.now, { transport, from: opts.from, publicUrl: opts.publicUrl });
      if (r.sent + r.failed > 0) opts.log.info(r, 'emails sent');
      if (r.abandoned > 0) opts.log.warn(r, 'emails dropped or abandoned after every retry');
    } catch (err) {
      opts.log.error({ err }, 'sending email failed; it will be retried');
    }
  }, opts.intervalSeconds);
  return {
    async stop() {
      await periodic.stop();
      transport?.close();
    },
  };
}

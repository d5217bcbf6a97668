import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { MailOptions } from '../../src/server/notifications/outbox.js';

/**
 * A real SMTP server in the test process: it keeps every message it takes, parsed, in `received`,
 * or refuses them while `refuse` is set. `mailer` is what the mail worker sends with.
 */
export interface TestSmtp {
  received: ParsedMail[];
  refuse: boolean;
  mailer: MailOptions;
  close(): Promise<void>;
}

export async function startSmtp(publicUrl = 'https://meterline.example'): Promise<TestSmtp> {
  const state = { received: [] as ParsedMail[], refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (state.refuse) {
            return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 450 }));
          }
          state.received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const mailer: MailOptions = {
    transport: createTransport(`smtp://127.0.0.1:${port}`),
    from: 'Meterline <alerts@meterline.example>',
    publicUrl,
  };
  return Object.assign(state, {
    mailer,
    close: async () => {
      mailer.transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

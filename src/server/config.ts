import { z } from 'zod';

/**
 * Requests a minute the API takes from one console session, one API key, and one client address
 * without either (src/server/http/rate-limit.ts). Far above what a person's console or the
 * interview engine sends (1,000 events a request); apps built without them (tests) get these.
 */
export const RATE_LIMIT_DEFAULTS = {
  METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: 600,
  METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: 6000,
  METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE: 300,
} as const;

/**
 * Exports one server streams at once: each holds one of the pool's ten database connections, and a
 * .xlsx one a worker thread, so four leave the console most of the pool and the machine's cores.
 */
export const MAX_CONCURRENT_EXPORTS_DEFAULT = 4;
/** A minute to send a request whole: a 2 MiB batch over a slow link, not a held socket's hours. */
export const REQUEST_TIMEOUT_SECONDS_DEFAULT = 60;
/** A minute without the reader taking a byte: far past a slow network's pauses, not a held connection's hours. */
export const EXPORT_STALL_SECONDS_DEFAULT = 60;

/**
 * Two minutes for a stop to let running requests and downloads end: past a supervisor's usual
 * wait, so it is the supervisor's own limit that decides, yet never a hang without end.
 */
export const SHUTDOWN_GRACE_SECONDS_DEFAULT = 120;

const perMinute = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Every setting the server and the CLI read, parsed once from the environment. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** A PostgreSQL URL; when empty, the embedded PGlite database in METERLINE_DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * How the application logs in to PostgreSQL (as meterline_app); by default DATABASE_URL with
   * that user name and no password. DATABASE_URL itself is used for migrations only.
   */
  METERLINE_APP_DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * A streaming replica of DATABASE_URL's server: the console's usage figures, the export and the
   * forecast read from it (src/server/db/replica.ts). Logged in as a user that may take the role
   * meterline_app. PostgreSQL only; ignored, with a warning, on the embedded database.
   */
  METERLINE_READ_DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Reads go to the primary while the replica's figures are older than this. */
  METERLINE_MAX_REPLICA_LAG_SECONDS: z.coerce.number().min(1).default(10),
  METERLINE_DATA_DIR: z.string().default('.data/pglite'),
  /** Load the demo tenants when the embedded database is created. */
  METERLINE_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * Start a new embedded database as a copy of the demo `npm install` loaded, when it did so today
   * (src/server/db/demo-template.ts); false loads the demo at the first start whatever the day.
   */
  METERLINE_DEMO_TEMPLATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often the server looks for billing periods that are due to close. */
  METERLINE_PERIOD_CHECK_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How often the server sends due webhooks (credit alerts), retrying failed ones with backoff. */
  METERLINE_WEBHOOK_CHECK_SECONDS: z.coerce.number().int().min(1).default(10),
  /**
   * The SMTP server emails go through, e.g. `smtp://user:pass@host:587` (STARTTLS when offered) or
   * `smtps://…:465` (TLS); without it no email is sent and the console says email is off.
   */
  METERLINE_SMTP_URL: z
    .string()
    .url()
    .refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The sender of every email. */
  METERLINE_MAIL_FROM: z.string().default('Meterline <meterline@localhost>'),
  /** How often the server sends due emails, retrying failed ones with backoff. */
  METERLINE_MAIL_CHECK_SECONDS: z.coerce.number().int().min(1).default(10),
  /** The console's address as people reach it (links in emails); by default http://HOST:PORT. */
  METERLINE_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Let webhooks go to this host and private networks (development, tests); refused by default. */
  METERLINE_WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Trust X-Forwarded-* headers from the proxy in front (TLS termination): `true` for any, or a
   * comma-separated list of addresses/CIDRs to trust. Off by default: a direct client could forge them.
   */
  METERLINE_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' || v === '' ? false : v)),
  /**
   * Let single sign-on use an identity provider on this host or a private network, over http too
   * (development, tests); refused by default, so a tenant cannot point the server at them.
   */
  METERLINE_SSO_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  METERLINE_SESSION_HOURS: z.coerce.number().int().min(1).default(12),
  /**
   * A request not received whole in this long (headers and body) is answered 408 request_timeout
   * and its connection closed (src/server/http/client-errors.ts); answers, an export's too, are not timed.
   */
  METERLINE_REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_600)
    .default(REQUEST_TIMEOUT_SECONDS_DEFAULT),
  /** An export whose reader takes nothing for this long is stopped (src/server/export/stall.ts). */
  METERLINE_EXPORT_STALL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(EXPORT_STALL_SECONDS_DEFAULT),
  /** A stop (SIGINT, SIGTERM) not done in this long exits anyway (src/server/shutdown.ts). */
  METERLINE_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(SHUTDOWN_GRACE_SECONDS_DEFAULT),
  /** Exports one server streams at once; one tenant holds at most half (src/server/export/slots.ts). */
  METERLINE_MAX_CONCURRENT_EXPORTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(MAX_CONCURRENT_EXPORTS_DEFAULT),
  METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: perMinute(
    RATE_LIMIT_DEFAULTS.METERLINE_RATE_LIMIT_SESSION_PER_MINUTE,
  ),
  METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: perMinute(
    RATE_LIMIT_DEFAULTS.METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE,
  ),
  METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute(
    RATE_LIMIT_DEFAULTS.METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE,
  ),
  /**
   * The port Prometheus metrics are served on (`GET /metrics`, on HOST: src/server/metrics/serve.ts),
   * apart from the API's; unset, none are collected.
   */
  METERLINE_METRICS_PORT: z
    .literal('')
    .transform(() => undefined)
    .or(z.coerce.number().int().min(1).max(65535))
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The names of every setting, for the test that holds the README and `.env.example` to them. */
export const SETTING_NAMES = Object.keys(ConfigSchema.shape) as (keyof Config)[];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

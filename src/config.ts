import path from 'node:path';
import { z } from 'zod';

/**
 * Typed configuration from environment variables, with embedded defaults.
 * Every variable is listed in the README's configuration table; keep both in step.
 */
const envSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ELIGIBILITY_WINDOW_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
});

export interface Config {
  /** Folder for the SQLite file and attachment blobs. */
  dataDir: string;
  /** `sqlite:<file>` (default, under dataDir) or a `postgres://` URL. */
  database: DatabaseTarget;
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  eligibilityWindowMonths: number;
  /** `auto`: load the demo data on first start when the store is empty. */
  demoData: 'auto' | 'off';
}

export type DatabaseTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    eligibilityWindowMonths: e.ELIGIBILITY_WINDOW_MONTHS,
    demoData: e.DEMO_DATA,
  };
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { engine: 'sqlite', file: path.join(dataDir, 'officine-mss.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  throw new ConfigError('DATABASE_URL must be a postgres:// URL or sqlite:<file>');
}

import pino, { type Logger } from 'pino';

/**
 * The one logger. Health data never goes to logs: request bodies are not logged, and the paths
 * below are redacted wherever they appear, as a second line of defence.
 */
export const REDACTED_PATHS = [
  'nir',
  'matricule',
  '*.nir',
  '*.matricule',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

export type { Logger };

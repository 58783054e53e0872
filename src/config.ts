import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { decodeBlobKey } from './attachments/blob-store.ts';
import {
  type AttachmentLimits,
  attachmentLimits,
  megabytes,
  parseAttachmentTypes,
} from './attachments/limits.ts';
import { decodeChainKey } from './audit/chain-key.ts';
import { decodePseudonymKey } from './audit/pseudonym-key.ts';
import { type GatewayConfig, gatewayConfig } from './gateway/config.ts';
import { DEFAULT_SMTP_IN_LIMITS } from './gateway/limits.ts';
import { DEFAULT_QUOTAS, type QuotaLimits } from './messaging/limits.ts';
import { isMessageIdDomain } from './messaging/message-id.ts';

/** eIDAS assurance levels as `acr` values, in increasing order. */
export const ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'] as const;
export type AcrLevel = (typeof ACR_LEVELS)[number];

/** BUNDLED_IDP's value that lets the passwordless demo provider run on a non-loopback address. */
export const BUNDLED_IDP_OPT_IN = 'on-public-url-i-understand';

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
  AUDIT_PSEUDONYM_KEY: z.string().min(1).optional(),
  AUDIT_CHAIN_KEY: z.string().min(1).optional(),
  AUDIT_REFUSAL_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BLOB_ENCRYPTION_KEY: z.string().min(1).optional(),
  ATTACHMENT_TYPES: z.string().optional(),
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().positive().max(1024).optional(),
  ATTACHMENT_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(Math.max(1, Math.min(2, os.availableParallelism() - 1))),
  MESSAGE_ID_DOMAIN: z.string().min(1).optional(),
  QUOTA_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_QUOTAS.messagesPerMinute),
  QUOTA_MESSAGES_PER_DAY: z.coerce.number().int().min(1).default(DEFAULT_QUOTAS.messagesPerDay),
  QUOTA_CONVERSATIONS_PER_DAY: z.coerce.number().int().min(1).default(DEFAULT_QUOTAS.conversationsPerDay),
  QUOTA_REFUSED_SENDS_PER_HOUR: z.coerce.number().int().min(1).default(DEFAULT_QUOTAS.refusedSendsPerHour),
  OFFICINE_ENV: z.enum(['development', 'production']).default('development'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: z.string().min(1).optional(),
  SESSION_IDLE_MINUTES_PRO: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_IDLE_MINUTES_PATIENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 7)
    .default(12),
  OIDC_PATIENT_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_PATIENT_CLIENT_ID: z.string().min(1).optional(),
  OIDC_PATIENT_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_PATIENT_MIN_ACR: z.enum(ACR_LEVELS).default('eidas2'),
  OIDC_PATIENT_SCOPES: z.string().min(1).default('openid profile ins'),
  OIDC_PRO_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_PRO_CLIENT_ID: z.string().min(1).optional(),
  OIDC_PRO_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_PRO_MIN_ACR: z.enum(ACR_LEVELS).default('eidas1'),
  OIDC_PRO_SCOPES: z.string().min(1).default('openid scope_all'),
  BUNDLED_IDP: z.enum(['loopback-only', BUNDLED_IDP_OPT_IN]).default('loopback-only'),
  LOGIN_RATE_LIMIT_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_RATE_LIMIT_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_RATE_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  WEB_DIR: z.string().min(1).default('./dist/web'),
  REALERT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(20),
  SSE_MAX_STREAMS_PER_PERSON: z.coerce.number().int().min(1).max(50).default(4),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(20),
  HTTP_BODY_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  HTTP_BODY_MIN_RATE: z.coerce.number().int().min(1).default(1024),
  HTTP_KEEP_ALIVE_SECONDS: z.coerce.number().min(0.1).max(3600).default(65),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).optional(),
  HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(100),
  HOSTED_DOMAINS: z.string().default('patient.mssante.fr,pharmacie.mssante.fr'),
  SMTP_IN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_IN_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_IN_TLS: z.enum(['starttls', 'implicit']).default('starttls'),
  SMTP_IN_NAME: z.string().min(1).optional(),
  SMTP_IN_CERT_FILE: z.string().min(1).optional(),
  SMTP_IN_KEY_FILE: z.string().min(1).optional(),
  SMTP_IN_CA_FILE: z.string().min(1).optional(),
  SMTP_IN_CRL_FILE: z.string().min(1).optional(),
  SMTP_IN_WHITELIST: z.string().min(1).optional(),
  SMTP_IN_WHITELIST_MINUTES: z.coerce
    .number()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  SMTP_IN_MAX_MESSAGE_MB: z.coerce
    .number()
    .positive()
    .max(1024)
    .default(DEFAULT_SMTP_IN_LIMITS.maxMessageBytes / (1024 * 1024)),
  SMTP_IN_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(DEFAULT_SMTP_IN_LIMITS.maxConnections),
  SMTP_IN_MAX_PER_PEER: z.coerce.number().int().min(1).default(DEFAULT_SMTP_IN_LIMITS.maxConnectionsPerPeer),
  SMTP_IN_MAX_RECIPIENTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_SMTP_IN_LIMITS.maxRecipients),
  SMTP_IN_IDLE_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(DEFAULT_SMTP_IN_LIMITS.idleTimeoutMs / 1000),
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
  /** Key of the audit trail's patient pseudonyms; null: the key file in dataDir (src/audit/pseudonym-key.ts). */
  auditPseudonymKey: Buffer | null;
  /** Key of the audit chain's MACs; null: the key file in dataDir (src/audit/chain-key.ts). */
  auditChainKey: Buffer | null;
  /** Refusals of unauthenticated callers are summed per address and reason over this window (src/audit/refusals.ts). */
  auditRefusalWindowSeconds: number;
  /** AES-256 key of attachment blobs; null: the key file in dataDir (src/attachments/blob-store.ts). */
  blobEncryptionKey: Buffer | null;
  /** src/attachments/limits.ts with ATTACHMENT_TYPES and ATTACHMENT_MAX_FILE_MB applied. */
  attachments: AttachmentLimits;
  /** Worker threads for PDF parsing and drawing, HEIC decoding and QR scans (src/attachments/worker-pool.ts). */
  attachmentWorkers: number;
  messaging: MessagingConfig;
  /** `production` turns the bundled identity provider off and requires real OIDC issuers. */
  env: 'development' | 'production';
  /** External base URL (no trailing slash); null: `http://HOST:PORT` once listening. */
  publicUrl: string | null;
  /** Fastify's trustProxy: the client IP comes from proxy headers only when set. */
  trustProxy: boolean | number | string;
  auth: AuthConfig;
  /** The built web apps (`npm run build`): served at /patient/ and /pharmacie/. */
  webDir: string;
  realtime: RealtimeConfig;
  http: HttpLimits;
  /** The mail gateway: hosted domains, the inbound SMTP listener (src/gateway/config.ts). */
  gateway: GatewayConfig;
}

/** Bounds on the HTTP server's sockets (src/http/server.ts, connection-limits.ts, body-rate.ts). */
export interface HttpLimits {
  /** A request's headers must be complete this long after its first byte (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** A request body may fall this far behind its minimum pace before its connection is closed. */
  bodyStallMs: number;
  bodyMinBytesPerSecond: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open connections in all; null: 90 % of the process's open-file limit (connection-limits.ts). */
  maxConnections: number | null;
  /** Per client address (IPv6: per /64); peers trusted by TRUST_PROXY are exempt. */
  maxConnectionsPerAddress: number;
}

export interface RealtimeConfig {
  /** The counter app alerts again when a new conversation is still unacknowledged after this delay. */
  realertMinutes: number;
  /** SSE comment lines that keep proxies and NAT open. */
  heartbeatSeconds: number;
  /**
   * Open event streams per signed-in person (per pharmacy for a professional) and process; opening
   * one more ends the oldest (`REPLACED`).
   */
  maxStreamsPerPerson: number;
}

export type Population = 'patient' | 'professional';

export interface MessagingConfig {
  /** Right-hand side of Message-IDs (`<uuid@domain>`): MESSAGE_ID_DOMAIN, else PUBLIC_URL's host. */
  messageIdDomain: string;
  /** Per-patient quotas (src/messaging/quotas.ts). */
  quotas: QuotaLimits;
}

/** A production OpenID Connect issuer; null in AuthConfig.oidc means the bundled provider. */
export interface OidcIssuerConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Space-separated scopes asked for. */
  scope: string;
}

export interface AuthConfig {
  oidc: Record<Population, OidcIssuerConfig | null>;
  minAcr: Record<Population, AcrLevel>;
  sessionIdleMinutes: Record<Population, number>;
  sessionMaxHours: number;
  rateLimit: { perIp: number; perAccount: number; windowMinutes: number };
  /** BUNDLED_IDP: the demo provider may run on a non-loopback address (src/auth/bundled-idp/exposure.ts). */
  bundledIdpOnPublicUrl: boolean;
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
  const messageIdDomainValue = messageIdDomain(e.MESSAGE_ID_DOMAIN, e.PUBLIC_URL);
  const gateway = gatewayConfig(e, messageIdDomainValue);
  if (!gateway.ok) throw new ConfigError(gateway.message);
  return {
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    eligibilityWindowMonths: e.ELIGIBILITY_WINDOW_MONTHS,
    demoData: e.DEMO_DATA,
    auditPseudonymKey: auditPseudonymKey(e.AUDIT_PSEUDONYM_KEY),
    auditChainKey: auditChainKey(e.AUDIT_CHAIN_KEY),
    auditRefusalWindowSeconds: e.AUDIT_REFUSAL_WINDOW_SECONDS,
    blobEncryptionKey: blobEncryptionKey(e.BLOB_ENCRYPTION_KEY),
    attachments: attachmentConfig(e.ATTACHMENT_TYPES, e.ATTACHMENT_MAX_FILE_MB),
    attachmentWorkers: e.ATTACHMENT_WORKERS,
    messaging: {
      messageIdDomain: messageIdDomainValue,
      quotas: {
        messagesPerMinute: e.QUOTA_MESSAGES_PER_MINUTE,
        messagesPerDay: e.QUOTA_MESSAGES_PER_DAY,
        conversationsPerDay: e.QUOTA_CONVERSATIONS_PER_DAY,
        refusedSendsPerHour: e.QUOTA_REFUSED_SENDS_PER_HOUR,
      },
    },
    env: e.OFFICINE_ENV,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    webDir: path.resolve(e.WEB_DIR),
    realtime: {
      realertMinutes: e.REALERT_MINUTES,
      heartbeatSeconds: e.SSE_HEARTBEAT_SECONDS,
      maxStreamsPerPerson: e.SSE_MAX_STREAMS_PER_PERSON,
    },
    http: {
      headersTimeoutMs: Math.round(e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000),
      bodyStallMs: Math.round(e.HTTP_BODY_TIMEOUT_SECONDS * 1000),
      bodyMinBytesPerSecond: e.HTTP_BODY_MIN_RATE,
      keepAliveTimeoutMs: Math.round(e.HTTP_KEEP_ALIVE_SECONDS * 1000),
      maxConnections: e.HTTP_MAX_CONNECTIONS ?? null,
      maxConnectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_IP,
    },
    gateway: gateway.config,
    auth: {
      oidc: {
        patient: oidcIssuer(e, 'PATIENT'),
        professional: oidcIssuer(e, 'PRO'),
      },
      minAcr: { patient: e.OIDC_PATIENT_MIN_ACR, professional: e.OIDC_PRO_MIN_ACR },
      sessionIdleMinutes: {
        patient: e.SESSION_IDLE_MINUTES_PATIENT,
        professional: e.SESSION_IDLE_MINUTES_PRO,
      },
      sessionMaxHours: e.SESSION_MAX_HOURS,
      rateLimit: {
        perIp: e.LOGIN_RATE_LIMIT_IP,
        perAccount: e.LOGIN_RATE_LIMIT_ACCOUNT,
        windowMinutes: e.LOGIN_RATE_WINDOW_MINUTES,
      },
      bundledIdpOnPublicUrl: e.BUNDLED_IDP === BUNDLED_IDP_OPT_IN,
    },
  };
}

/** `OIDC_<P>_ISSUER` and its client; unset outside production means the bundled provider. */
function oidcIssuer(e: z.infer<typeof envSchema>, prefix: 'PATIENT' | 'PRO'): OidcIssuerConfig | null {
  const issuer = e[`OIDC_${prefix}_ISSUER`];
  const clientId = e[`OIDC_${prefix}_CLIENT_ID`];
  const clientSecret = e[`OIDC_${prefix}_CLIENT_SECRET`] ?? null;
  if (!issuer) {
    if (e.OFFICINE_ENV === 'production') {
      throw new ConfigError(
        `OIDC_${prefix}_ISSUER is required when OFFICINE_ENV=production (the bundled identity provider is for demos only)`,
      );
    }
    if (clientId || clientSecret) {
      throw new ConfigError(`OIDC_${prefix}_CLIENT_ID and _CLIENT_SECRET need OIDC_${prefix}_ISSUER`);
    }
    return null;
  }
  if (!clientId) throw new ConfigError(`OIDC_${prefix}_CLIENT_ID is required with OIDC_${prefix}_ISSUER`);
  return { issuer: issuer.replace(/\/+$/, ''), clientId, clientSecret, scope: e[`OIDC_${prefix}_SCOPES`] };
}

/** `true`/`false`, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { engine: 'sqlite', file: path.join(dataDir, 'officine-mss.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  throw new ConfigError('DATABASE_URL must be a postgres:// URL or sqlite:<file>');
}

/** MESSAGE_ID_DOMAIN, else PUBLIC_URL's host name when it is a domain, else `officine-mss.localhost`. */
function messageIdDomain(value: string | undefined, publicUrl: string | undefined): string {
  if (value !== undefined) {
    const domain = value.toLowerCase();
    if (!isMessageIdDomain(domain))
      throw new ConfigError('MESSAGE_ID_DOMAIN must be a domain name (letters, digits, hyphens, dots)');
    return domain;
  }
  const host = publicUrl ? new URL(publicUrl).hostname.toLowerCase() : '';
  return isMessageIdDomain(host) && !/^[\d.]+$/.test(host) ? host : 'officine-mss.localhost';
}

function auditPseudonymKey(value: string | undefined): Buffer | null {
  if (value === undefined) return null;
  const decoded = decodePseudonymKey(value);
  if (!decoded.ok) throw new ConfigError(`AUDIT_PSEUDONYM_KEY ${decoded.message}`);
  return decoded.key;
}

function auditChainKey(value: string | undefined): Buffer | null {
  if (value === undefined) return null;
  const decoded = decodeChainKey(value);
  if (!decoded.ok) throw new ConfigError(`AUDIT_CHAIN_KEY ${decoded.message}`);
  return decoded.key;
}

function blobEncryptionKey(value: string | undefined): Buffer | null {
  if (value === undefined) return null;
  const decoded = decodeBlobKey(value);
  if (!decoded.ok) throw new ConfigError(`BLOB_ENCRYPTION_KEY ${decoded.message}`);
  return decoded.key;
}

function attachmentConfig(types: string | undefined, maxFileMb: number | undefined): AttachmentLimits {
  const overrides: Partial<AttachmentLimits> = {};
  if (types !== undefined) {
    const parsed = parseAttachmentTypes(types);
    if (!parsed.ok) throw new ConfigError(`ATTACHMENT_TYPES ${parsed.message}`);
    overrides.acceptedTypes = parsed.types;
  }
  if (maxFileMb !== undefined) overrides.maxFileBytes = megabytes(maxFileMb);
  return attachmentLimits(overrides);
}

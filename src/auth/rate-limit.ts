import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';

/**
 * Login attempt counters in the store (fixed windows), so limits hold across processes and
 * restarts. A bucket names what is counted: a client IP, an account (hashed by the caller).
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one attempt in `bucket` and says whether it is within `limit` for the window. */
  hit(bucket: string, limit: number): Promise<RateDecision>;
  /** Says whether one more attempt would be allowed, without counting it. */
  check(bucket: string, limit: number): Promise<RateDecision>;
}

export function createRateLimiter(deps: {
  db: Kysely<Schema>;
  clock: Clock;
  windowMinutes: number;
}): RateLimiter {
  const { db, clock } = deps;
  const windowMs = deps.windowMinutes * 60_000;

  const decide = (hits: number, windowStart: string, limit: number, now: Date): RateDecision => {
    if (hits <= limit) return { allowed: true };
    const resetAt = Date.parse(windowStart) + windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)) };
  };

  return {
    async hit(bucket, limit) {
      const now = clock.now();
      const at = now.toISOString();
      const cutoff = new Date(now.getTime() - windowMs).toISOString();
      // One statement: concurrent attempts from several processes each count exactly once.
      const row = await db
        .insertInto('auth_rate_limits')
        .values({ bucket, window_start: at, hits: 1 })
        .onConflict((oc) =>
          oc.column('bucket').doUpdateSet({
            hits: sql<number>`case when auth_rate_limits.window_start <= ${cutoff} then 1 else auth_rate_limits.hits + 1 end`,
            window_start: sql<string>`case when auth_rate_limits.window_start <= ${cutoff} then ${at} else auth_rate_limits.window_start end`,
          }),
        )
        .returning(['hits', 'window_start'])
        .executeTakeFirstOrThrow();
      if (row.hits === 1) {
        // A new window: a good moment to drop the counters of windows long gone.
        await db.deleteFrom('auth_rate_limits').where('window_start', '<=', cutoff).execute();
      }
      return decide(Number(row.hits), row.window_start, limit, now);
    },

    async check(bucket, limit) {
      const now = clock.now();
      const row = await db
        .selectFrom('auth_rate_limits')
        .select(['hits', 'window_start'])
        .where('bucket', '=', bucket)
        .executeTakeFirst();
      if (!row || now.getTime() - Date.parse(row.window_start) >= windowMs) return { allowed: true };
      return decide(Number(row.hits) + 1, row.window_start, limit, now);
    },
  };
}

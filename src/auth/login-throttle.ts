import type { Population } from '../config.ts';
import type { RateDecision, RateLimiter } from './rate-limit.ts';
import { sha256Hex } from './secrets.ts';

/**
 * Login throttling that a stranger cannot turn against real people. Only failures count — a
 * callback that does not check out, an identity refused, an unknown identifier typed on the demo
 * provider's form — never a login started or one that succeeds:
 * - per client address, any failure: `LOGIN_RATE_LIMIT_IP` per window, generous because a whole
 *   pharmacy behind one NAT shares it; over it, that address may not start or finish a login;
 * - per account *from* an address: `LOGIN_RATE_LIMIT_ACCOUNT` failures naming the same account
 *   from the same address. Failures from elsewhere never count against it, so nobody can lock
 *   someone else's account: they only slow themselves.
 * Counters live in the store (rate-limit.ts): limits hold across processes and restarts.
 */
export interface ThrottledAccount {
  population: Population;
  /** As the provider or the form names it: matricule INS, RPPS or national id. */
  id: string;
}

export interface LoginThrottle {
  /** Whether this address — and this account from it, when given — may try again. */
  check(ip: string, account?: ThrottledAccount): Promise<RateDecision>;
  /** Counts one failure of this address, and of this account from it when given. */
  failed(ip: string, account?: ThrottledAccount): Promise<void>;
}

export function createLoginThrottle(deps: {
  limiter: RateLimiter;
  limits: { perIp: number; perAccount: number };
}): LoginThrottle {
  const { limiter, limits } = deps;
  // Hashed: the counters hold no address or identifier in clear.
  const ipBucket = (ip: string) => `login-fail-ip:${sha256Hex(ip)}`;
  const accountBucket = (ip: string, account: ThrottledAccount) =>
    `login-fail-account:${sha256Hex(`${account.population}:${account.id}:${ip}`)}`;

  return {
    async check(ip, account) {
      const decisions = [await limiter.check(ipBucket(ip), limits.perIp)];
      if (account) decisions.push(await limiter.check(accountBucket(ip, account), limits.perAccount));
      const waits = decisions.flatMap((d) => (d.allowed ? [] : [d.retryAfterSeconds]));
      return waits.length === 0
        ? { allowed: true }
        : { allowed: false, retryAfterSeconds: Math.max(...waits) };
    },

    async failed(ip, account) {
      await limiter.hit(ipBucket(ip), limits.perIp);
      if (account) await limiter.hit(accountBucket(ip, account), limits.perAccount);
    },
  };
}

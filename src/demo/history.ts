import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import { earliestEligibleDate } from '../eligibility/policy.ts';
import { addDays, addMonths, daysInMonth } from '../time/local-date.ts';
import type { Random } from './random.ts';

/**
 * A patient's dispensation history, relative to `today`, built from scenarios: one pharmacy per
 * scenario, each telling a different eligibility story.
 *
 * - `eligible`: latest reimbursed dispensation recent enough (at least a month of margin);
 * - `expired-last-month`: eligibility ended during the previous calendar month;
 * - `expired-long-ago`: latest reimbursed dispensation 2–6 months older than the window;
 * - `not-reimbursed`: recent dispensations, none reimbursed (they never count);
 * - `no-mailbox`: recent reimbursed dispensations at a pharmacy without a published mailbox.
 */
export type Scenario =
  | 'eligible'
  | 'expired-last-month'
  | 'expired-long-ago'
  | 'not-reimbursed'
  | 'no-mailbox';

export interface DemoDispensation {
  matricule: string;
  finess: string;
  date: string;
  reimbursed: boolean;
}

/** The demo accounts' history: every story at once. */
export const SHOWCASE: readonly Scenario[] = [
  'eligible',
  'eligible',
  'expired-last-month',
  'expired-long-ago',
  'no-mailbox',
  'not-reimbursed',
];

const EXTRA: readonly Scenario[] = [
  'eligible',
  'eligible',
  'expired-long-ago',
  'not-reimbursed',
  'no-mailbox',
];

/** 2 to 4 pharmacies: always one eligible and one expired last month, then 0–2 more stories. */
export function ordinaryScenarios(random: Random): Scenario[] {
  const extra = random.int(0, 2);
  return ['eligible', 'expired-last-month', ...Array.from({ length: extra }, () => random.pick(EXTRA))];
}

export interface HistoryContext {
  today: string;
  windowMonths: number;
  /** Pharmacies with a published organisational mailbox. */
  published: readonly PharmacyRecord[];
  /** Pharmacies with no mailbox or a "liste rouge" one. */
  unpublished: readonly PharmacyRecord[];
}

export function daysBetween(from: string, to: string): number {
  const utc = (d: string) =>
    Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** A date L such that `eligibleUntil(L)` falls in the calendar month before `today`'s. */
export function expiredLastMonth(random: Random, today: string, windowMonths: number): string {
  const previous = addMonths(`${today.slice(0, 8)}01`, -1);
  const day = random.int(1, daysInMonth(Number(previous.slice(0, 4)), Number(previous.slice(5, 7))));
  const until = `${previous.slice(0, 8)}${String(day).padStart(2, '0')}`;
  // addMonths keeps the month and only ever clamps the day down: eligibleUntil(L) stays in it.
  return addMonths(until, -windowMonths);
}

/** A recent date, still eligible on `today` with at least a month to spare when the window allows. */
export function recentDate(random: Random, today: string, windowMonths: number): string {
  const span = Math.max(0, daysBetween(earliestEligibleDate(today, windowMonths), today) - 31);
  return addDays(today, -random.int(0, span));
}

function lastReimbursedOn(scenario: Scenario, random: Random, ctx: HistoryContext): string {
  const { today, windowMonths } = ctx;
  if (scenario === 'expired-last-month') return expiredLastMonth(random, today, windowMonths);
  if (scenario === 'expired-long-ago') {
    return addDays(addMonths(today, -(windowMonths + random.int(2, 6))), -random.int(0, 20));
  }
  return recentDate(random, today, windowMonths);
}

function choosePharmacy(
  random: Random,
  pool: readonly PharmacyRecord[],
  used: Set<string>,
  near: string | undefined,
): PharmacyRecord {
  const free = pool.filter((p) => !used.has(p.finess));
  const candidates = free.length > 0 ? free : pool;
  const local = candidates.filter((p) => p.departement === near);
  return random.pick(local.length > 0 && random.chance(0.5) ? local : candidates);
}

/**
 * The dispensations of one patient. `first` forces the pharmacy of the first scenario (the demo
 * pharmacy for demo accounts); `showcase` adds every optional detail (a later unreimbursed visit).
 */
export function patientHistory(
  random: Random,
  ctx: HistoryContext,
  matricule: string,
  scenarios: readonly Scenario[],
  options: { first?: PharmacyRecord; showcase?: boolean } = {},
): DemoDispensation[] {
  const out: DemoDispensation[] = [];
  const used = new Set<string>();
  let home: string | undefined;
  scenarios.forEach((scenario, index) => {
    const pool = scenario === 'no-mailbox' ? ctx.unpublished : ctx.published;
    const pharmacy = index === 0 && options.first ? options.first : choosePharmacy(random, pool, used, home);
    used.add(pharmacy.finess);
    home ??= pharmacy.departement;
    const at = (date: string, reimbursed: boolean) =>
      out.push({ matricule, finess: pharmacy.finess, date, reimbursed });
    if (scenario === 'not-reimbursed') {
      const visits = random.int(1, 2);
      for (let i = 0; i < visits; i += 1) at(recentDate(random, ctx.today, ctx.windowMonths), false);
      return;
    }
    const last = lastReimbursedOn(scenario, random, ctx);
    at(last, true);
    const earlier = random.int(0, 3);
    for (let i = 0; i < earlier; i += 1) at(addDays(last, -random.int(7, 200)), random.chance(0.7));
    // A visit after the last reimbursed one, not reimbursed: it must not extend eligibility.
    const laterChance = options.showcase ? 1 : scenario === 'expired-last-month' ? 0.5 : 0.2;
    const gap = daysBetween(last, ctx.today);
    if (gap > 0 && random.chance(laterChance)) at(addDays(last, random.int(1, gap)), false);
  });
  return out;
}

/**
 * Calendar dates as `YYYY-MM-DD` strings (no time, no zone), and the conversion from an
 * instant to the calendar date in a given time zone. Pure: no clock is read here.
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CODE_0 = 48;
const DASH = 45;

/** The number written by `value[from, to)` when it is only ASCII digits, else -1. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - CODE_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** True for a `YYYY-MM-DD` day of the proleptic Gregorian calendar. Allocation-free: imports call it per row. */
export function isLocalDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] as number);
}

function split(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function join(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = split(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return join(y, m, Math.min(day, daysInMonth(y, m)));
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = split(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return join(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in `timeZone` (default Europe/Paris). */
export function localDate(instant: Date, timeZone = 'Europe/Paris'): string {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  return fmt.format(instant);
}

const frenchDate = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const frenchDates = new Map<string, string>();
const FRENCH_DATE_CACHE_SIZE = 4096;

/** `2027-03-14` → `14 mars 2027`; the first of the month reads `1er`. Memoised: few distinct dates recur. */
export function formatFrenchDate(date: string): string {
  const cached = frenchDates.get(date);
  if (cached !== undefined) return cached;
  const [year, month, day] = split(date);
  const formatted = frenchDate.format(new Date(Date.UTC(year, month - 1, day)));
  const text = day === 1 ? formatted.replace(/^1 /, '1er ') : formatted;
  if (frenchDates.size >= FRENCH_DATE_CACHE_SIZE) frenchDates.clear();
  frenchDates.set(date, text);
  return text;
}

/**
 * Calendar dates as `YYYY-MM-DD` strings (no time, no zone), and the conversion from an
 * instant to the calendar date in a given time zone. Pure: no clock is read here.
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
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

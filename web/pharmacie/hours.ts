/**
 * Opening hours as the directory publishes them — `Lun–Sam 9h00–20h00`,
 * `Lun–Ven 8h30–19h30, Sam 9h00–12h30`, `Lun–Sam 8h30–12h30, 14h30–19h30` — read into
 * (days, minutes) ranges. A segment without days keeps the previous segment's days. Anything
 * unreadable gives null: the caller then treats the pharmacy as always open.
 */
const DAYS = ['dim', 'lun', 'mar', 'mer', 'jeu', 'ven', 'sam'];

export interface OpeningRange {
  days: Set<number>;
  from: number;
  to: number;
}

function dayIndex(text: string): number {
  return DAYS.indexOf(text.slice(0, 3).toLowerCase().normalize('NFD').replace(/\p{M}/gu, ''));
}

function daySet(spec: string): Set<number> | null {
  const days = new Set<number>();
  for (const part of spec.split(/\s+et\s+|\s*,\s*/)) {
    const range = /^(\p{L}+)\.?\s*(?:[–—-]|à)\s*(\p{L}+)\.?$/u.exec(part.trim());
    if (range?.[1] && range[2]) {
      const from = dayIndex(range[1]);
      const to = dayIndex(range[2]);
      if (from < 0 || to < 0) return null;
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else {
      const single = dayIndex(part.trim());
      if (single < 0) return null;
      days.add(single);
    }
  }
  return days;
}

const TIME = '(\\d{1,2})\\s*[hH:]\\s*(\\d{2})?';
const SEGMENT = new RegExp(`^(?:(.*?)\\s+)?${TIME}\\s*(?:[–—-]|à)\\s*${TIME}$`);

export function parseOpeningHours(text: string | null): OpeningRange[] | null {
  if (!text) return null;
  const ranges: OpeningRange[] = [];
  let days: Set<number> = new Set([0, 1, 2, 3, 4, 5, 6]);
  for (const raw of text.split(/\s*[,;]\s*(?=\p{L}|\d)/u)) {
    const match = SEGMENT.exec(raw.trim());
    if (!match) return null;
    const [, daySpec, h1, m1, h2, m2] = match;
    if (daySpec) {
      const parsed = daySet(daySpec);
      if (!parsed) return null;
      days = parsed;
    }
    const from = Number(h1) * 60 + Number(m1 ?? 0);
    const to = Number(h2) * 60 + Number(m2 ?? 0);
    if (!(from < to) || to > 24 * 60) return null;
    ranges.push({ days, from, to });
  }
  return ranges.length > 0 ? ranges : null;
}

/** Whether `now` (the workstation's local time) is within the hours; unknown hours: always. */
export function isOpenAt(ranges: OpeningRange[] | null, now: Date): boolean {
  if (!ranges) return true;
  const minutes = now.getHours() * 60 + now.getMinutes();
  return ranges.some((r) => r.days.has(now.getDay()) && minutes >= r.from && minutes < r.to);
}

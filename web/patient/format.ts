/** French wording of dates, times and sizes, in the Paris time zone. */
const PARIS = 'Europe/Paris';

const dayFormat = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: PARIS,
});
const timeFormat = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS });
const calendarFormat = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "26 novembre 2026" for a calendar date `YYYY-MM-DD` (no time zone shift). */
export function frenchDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return calendarFormat.format(new Date(Date.UTC(y, m - 1, d)));
}

/** "26 novembre 2026 à 14:05" for an instant. */
export function frenchDateTime(iso: string): string {
  const at = new Date(iso);
  return `${dayFormat.format(at)} à ${timeFormat.format(at)}`;
}

/** "aujourd'hui à 14:05", "hier à 09:12" or "3 novembre 2026 à 14:05". */
export function frenchWhen(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const day = dayFormat.format(at);
  if (day === dayFormat.format(now)) return `aujourd’hui à ${timeFormat.format(at)}`;
  if (day === dayFormat.format(new Date(now.getTime() - 86_400_000)))
    return `hier à ${timeFormat.format(at)}`;
  return `${day} à ${timeFormat.format(at)}`;
}

const number1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** "850 octets", "120 ko", "1,4 Mo" (1 Mo = 1 048 576 octets, as the server counts). */
export function frenchSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} ko`;
  return `${number1.format(bytes / (1024 * 1024))} Mo`;
}

/** "1 fichier", "3 fichiers". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count > 1 ? many : one}`;
}

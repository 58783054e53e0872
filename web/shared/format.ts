/** French wording both apps share: calendar dates and file sizes. */
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

const number1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** "850 octets", "120 Ko", "1,4 Mo" (1 Mo = 1 048 576 octets, as the server counts). */
export function frenchSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${number1.format(bytes / (1024 * 1024))} Mo`;
}

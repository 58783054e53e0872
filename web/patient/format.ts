/** French wording of instants, in the Paris time zone (calendar dates and sizes: web/shared/format.ts). */
const PARIS = 'Europe/Paris';

const dayFormat = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: PARIS,
});
const timeFormat = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS });
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

/** "1 fichier", "3 fichiers". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count > 1 ? many : one}`;
}

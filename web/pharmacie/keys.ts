import { useEffect, useRef } from 'preact/hooks';

/** Single-key shortcuts, ignored while typing in a field or with a modifier (Ctrl, Alt, Meta). */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (event.ctrlKey || event.altKey || event.metaKey) return true;
  if (!target) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** `map` from `event.key` to an action; the latest map is used, listeners stay put. */
export function useShortcuts(map: Record<string, (event: KeyboardEvent) => void>, enabled = true): void {
  const latest = useRef(map);
  latest.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event)) return;
      const action = latest.current[event.key];
      if (!action) return;
      event.preventDefault();
      action(event);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** The shortcuts, for the help panel (`?`). */
export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ['?'], what: 'Afficher ou masquer cette aide' },
  { keys: ['1', '…', '7'], what: 'Boîte : Nouveaux, Non lus, À moi, En cours, Prêts, Clos, Tous' },
  { keys: ['j', '↓'], what: 'Boîte : conversation suivante' },
  { keys: ['k', '↑'], what: 'Boîte : conversation précédente' },
  { keys: ['Entrée'], what: 'Boîte : ouvrir la conversation choisie' },
  { keys: ['n'], what: 'Ouvrir la plus ancienne alerte en cours' },
  { keys: ['Échap'], what: 'Conversation : revenir à la boîte' },
  { keys: ['m'], what: "Conversation : « Je m'en occupe »" },
  { keys: ['r'], what: 'Conversation : écrire une réponse' },
  { keys: ['c'], what: "Conversation : copier le numéro d'ordonnance numérique" },
  { keys: ['Ctrl', 'Entrée'], what: 'Réponse : envoyer' },
  { keys: ['+', '−', '0'], what: 'Visionneuse : zoomer, dézoomer, ajuster' },
  { keys: ['r', 'R'], what: 'Visionneuse (sélectionnée) : pivoter à droite, à gauche' },
];

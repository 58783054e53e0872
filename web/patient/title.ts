import { useEffect } from 'preact/hooks';
import { SERVICE_NAME } from './layout.tsx';

/** Each view names the page (RGAA 8.6): "<view> — Mon espace santé — Messagerie". */
export function usePageTitle(title: string | null): void {
  useEffect(() => {
    if (title) document.title = `${title} — ${SERVICE_NAME}`;
  }, [title]);
}

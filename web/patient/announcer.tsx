import { useEffect, useState } from 'preact/hooks';

/**
 * One polite live region for the whole app: "Message envoyé", "Nouvelle réponse de …". Errors
 * are shown where they happen, in role="alert" blocks.
 */
let push: ((text: string) => void) | null = null;

export function announce(text: string): void {
  push?.(text);
}

export function Announcer() {
  const [text, setText] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    push = (next) => {
      // Empty first, so that the same sentence twice is read twice.
      setText('');
      clearTimeout(timer);
      timer = setTimeout(() => setText(next), 50);
    };
    return () => {
      push = null;
      clearTimeout(timer);
    };
  }, []);
  return (
    <div class="fr-sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {text}
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (the server serves one page per app): each app parses the path after `#` into
 * its routes; this follows `hashchange`.
 */
export function useHashRoute<R>(parse: (path: string) => R): R {
  const [route, setRoute] = useState(() => parse(hashPath()));
  useEffect(() => {
    const onChange = () => setRoute(parse(hashPath()));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, [parse]);
  return route;
}

/** `#/conversations/x` → `/conversations/x`; empty → `/`. */
function hashPath(): string {
  return location.hash.replace(/^#/, '') || '/';
}

/** Goes to `#…` (a no-op when already there). */
export function go(target: string): void {
  const hash = target.startsWith('#') ? target : `#${target}`;
  if (location.hash !== hash) location.hash = hash;
}

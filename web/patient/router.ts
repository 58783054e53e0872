import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (the server serves one page at /patient/): `#/`, `#/ecrire`, `#/ecrire/<finess>`,
 * `#/conversations/<id>`.
 */
export type Route =
  | { view: 'home' }
  | { view: 'pharmacies' }
  | { view: 'compose'; finess: string }
  | { view: 'conversation'; id: string }
  | { view: 'not-found' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '') return { view: 'home' };
  if (path === '/ecrire') return { view: 'pharmacies' };
  const compose = /^\/ecrire\/([0-9AB]{9})$/.exec(path);
  if (compose?.[1]) return { view: 'compose', finess: compose[1] };
  const conversation = /^\/conversations\/([\w-]{1,64})$/.exec(path);
  if (conversation?.[1]) return { view: 'conversation', id: conversation[1] };
  return { view: 'not-found' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = {
  home: '#/',
  pharmacies: '#/ecrire',
  compose: (finess: string) => `#/ecrire/${finess}`,
  conversation: (id: string) => `#/conversations/${id}`,
};

export function navigate(to: string): void {
  location.hash = to.replace(/^#/, '');
}

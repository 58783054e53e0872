import { useEffect, useState } from 'preact/hooks';

/** Hash routing (one page at /pharmacie/): `#/`, `#/conversations/<id>`, `#/modeles`. */
export type Route =
  | { view: 'inbox' }
  | { view: 'conversation'; id: string }
  | { view: 'templates' }
  | { view: 'not-found' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/') return { view: 'inbox' };
  if (path === '/modeles') return { view: 'templates' };
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
  inbox: '#/',
  templates: '#/modeles',
  conversation: (id: string) => `#/conversations/${id}`,
};

export function go(target: string): void {
  if (location.hash !== target) location.hash = target;
}

import { go, useHashRoute } from '../shared/router.ts';

/** The counter's routes (one page at /pharmacie/): `#/`, `#/conversations/<id>`, `#/modeles`. */
export type Route =
  | { view: 'inbox' }
  | { view: 'conversation'; id: string }
  | { view: 'templates' }
  | { view: 'not-found' };

export function parseRoute(path: string): Route {
  if (path === '/') return { view: 'inbox' };
  if (path === '/modeles') return { view: 'templates' };
  const conversation = /^\/conversations\/([\w-]{1,64})$/.exec(path);
  if (conversation?.[1]) return { view: 'conversation', id: conversation[1] };
  return { view: 'not-found' };
}

export function useRoute(): Route {
  return useHashRoute(parseRoute);
}

export const href = {
  inbox: '#/',
  templates: '#/modeles',
  conversation: (id: string) => `#/conversations/${id}`,
};

export { go };

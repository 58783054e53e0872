import { go, useHashRoute } from '../shared/router.ts';

/**
 * The patient's routes (one page at /patient/): `#/`, `#/ecrire`, `#/ecrire/<finess>`,
 * `#/conversations/<id>`.
 */
export type Route =
  | { view: 'home' }
  | { view: 'pharmacies' }
  | { view: 'compose'; finess: string }
  | { view: 'conversation'; id: string }
  | { view: 'not-found' };

export function parseRoute(path: string): Route {
  if (path === '/') return { view: 'home' };
  if (path === '/ecrire') return { view: 'pharmacies' };
  const compose = /^\/ecrire\/([0-9AB]{9})$/.exec(path);
  if (compose?.[1]) return { view: 'compose', finess: compose[1] };
  const conversation = /^\/conversations\/([\w-]{1,64})$/.exec(path);
  if (conversation?.[1]) return { view: 'conversation', id: conversation[1] };
  return { view: 'not-found' };
}

export function useRoute(): Route {
  return useHashRoute(parseRoute);
}

export const href = {
  home: '#/',
  pharmacies: '#/ecrire',
  compose: (finess: string) => `#/ecrire/${finess}`,
  conversation: (id: string) => `#/conversations/${id}`,
};

export { go };

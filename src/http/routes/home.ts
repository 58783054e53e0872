import type { FastifyPluginAsync } from 'fastify';

/** The landing page until the web apps are served: says what runs and where. */
const PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Officine MSS</title></head>
<body><main>
<h1>Officine MSS</h1>
<p>Messagerie sécurisée de santé entre patients et pharmacies d'officine.</p>
<p>Le service fonctionne : état de santé sur <a href="/api/health">/api/health</a>.
Les espaces patient et pharmacie arrivent prochainement.</p>
</main></body></html>`;

export function homeRoutes(): FastifyPluginAsync {
  return async (server) => {
    server.get('/', async (_request, reply) =>
      reply
        .header('content-security-policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
        .header('x-content-type-options', 'nosniff')
        .type('text/html; charset=utf-8')
        .send(PAGE),
    );
  };
}

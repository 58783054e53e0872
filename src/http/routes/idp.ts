import type { IncomingMessage, ServerResponse } from 'node:http';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DEMO_ACR } from '../../auth/bundled-idp/accounts.ts';
import { idpMessagePage, loginPage } from '../../auth/bundled-idp/login-page.ts';
import { type BundledIdp, IDP_MOUNT_PATH } from '../../auth/bundled-idp/provider.ts';
import { PAGE_HEADERS } from '../../auth/html.ts';
import { refusalPage } from '../auth-pages.ts';
import type { AuthRuntime } from '../auth-runtime.ts';
import { requestContext } from '../hooks/session.ts';

/**
 * The bundled identity provider, mounted under `/idp`: our French login page for its
 * interactions (`/idp/interaction/:uid`), and every other path handed to oidc-provider untouched
 * (its body unparsed). The provider sees the public URL through X-Forwarded-* headers set here
 * (never the client's own), so its URLs, cookies and `Secure` flags follow PUBLIC_URL.
 */
type ProviderRequest = IncomingMessage & { originalUrl?: string };

const pathOnly = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url.split('?')[0],
  requestId: request.id,
});

function asPublicRequest(request: FastifyRequest, publicUrl: string): ProviderRequest {
  const url = new URL(publicUrl);
  const raw = request.raw as ProviderRequest;
  raw.headers['x-forwarded-proto'] = url.protocol.slice(0, -1);
  raw.headers['x-forwarded-host'] = url.host;
  raw.headers['x-forwarded-for'] = request.ip;
  return raw;
}

const expiredPage = (reply: FastifyReply) =>
  reply
    .status(400)
    .headers(PAGE_HEADERS)
    .send(
      idpMessagePage(
        'Demande de connexion expirée',
        'Cette demande de connexion a expiré ou n’existe plus. Recommencez depuis Officine MSS.',
      ),
    );

export function idpRoutes(auth: AuthRuntime): FastifyPluginAsync {
  return async (server) => {
    const handlers = new WeakMap<BundledIdp, (req: IncomingMessage, res: ServerResponse) => Promise<void>>();
    const withIdp = async (reply: FastifyReply): Promise<BundledIdp | null> => {
      const idp = await auth.bundledIdp();
      if (!idp) await reply.callNotFound();
      return idp;
    };

    /** The interaction this request's cookie names, for the page's uid; null when it is gone. */
    async function interaction(idp: BundledIdp, request: FastifyRequest, reply: FastifyReply) {
      const uid = (request.params as { uid: string }).uid;
      try {
        const details = await idp.provider.interactionDetails(
          asPublicRequest(request, auth.publicUrl()),
          reply.raw,
        );
        const population = idp.populationOfClient(details.params.client_id);
        return details.uid === uid && population ? { details, population } : null;
      } catch (error) {
        if (idp.isSessionNotFound(error)) return null;
        throw error;
      }
    }

    // Our pages, with parsed forms.
    server.register(async (pages) => {
      await pages.register(formbody);
      const noStore = { 'cache-control': 'no-store' };

      pages.get('/idp/interaction/:uid', { logSerializers: { req: pathOnly } }, async (request, reply) => {
        const idp = await withIdp(reply);
        if (!idp) return reply;
        const found = await interaction(idp, request, reply);
        if (!found) return expiredPage(reply);
        const { details, population } = found;
        if (details.prompt.name !== 'login') {
          // Both clients are Officine MSS itself: a consent prompt is granted without a screen.
          reply.hijack();
          return idp.provider.interactionFinished(asPublicRequest(request, auth.publicUrl()), reply.raw, {
            consent: {},
          });
        }
        const choices = await idp.accounts.choices(population);
        return reply
          .headers({ ...PAGE_HEADERS, ...noStore })
          .send(loginPage({ uid: details.uid, population, choices }));
      });

      pages.post(
        '/idp/interaction/:uid/login',
        { logSerializers: { req: pathOnly } },
        async (request, reply) => {
          const idp = await withIdp(reply);
          if (!idp) return reply;
          const found = await interaction(idp, request, reply);
          if (!found) return expiredPage(reply);
          const { details, population } = found;
          const body = (request.body ?? {}) as { account?: unknown; identifier?: unknown };
          const typed = typeof body.identifier === 'string' ? body.identifier.trim() : '';
          const chosen = typeof body.account === 'string' ? body.account : '';
          const identifier = typed || chosen;
          const again = async (status: number, error: string) =>
            reply
              .status(status)
              .headers(PAGE_HEADERS)
              .send(
                loginPage({
                  uid: details.uid,
                  population,
                  choices: await idp.accounts.choices(population),
                  error,
                  typed,
                }),
              );
          if (!identifier)
            return again(400, 'Choisissez un compte dans la liste ou saisissez un identifiant.');

          // Only identifiers that lead nowhere count, against this address and this identifier
          // from it: typing someone's number, even many times, locks nobody out.
          const typedAccount = { population, id: `idp:${identifier.replace(/[\s.]/g, '').toUpperCase()}` };
          const limit = await auth.throttle.check(request.ip, typedAccount);
          if (!limit.allowed) {
            await auth.login.refused(null, 'RATE_LIMITED', 'idp-login', requestContext(request));
            return refusalPage(reply, 'RATE_LIMITED', request.id, limit.retryAfterSeconds);
          }

          const account = await idp.accounts.lookup(population, identifier);
          if (!account.ok) {
            await auth.throttle.failed(request.ip, typedAccount);
            return again(account.problem === 'MALFORMED' ? 400 : 403, account.message);
          }
          reply.hijack();
          return idp.provider.interactionFinished(
            asPublicRequest(request, auth.publicUrl()),
            reply.raw,
            { login: { accountId: account.accountId, acr: DEMO_ACR[population], remember: false } },
            { mergeWithLastSubmission: false },
          );
        },
      );

      pages.post(
        '/idp/interaction/:uid/abort',
        { logSerializers: { req: pathOnly } },
        async (request, reply) => {
          const idp = await withIdp(reply);
          if (!idp) return reply;
          const found = await interaction(idp, request, reply);
          if (!found) return expiredPage(reply);
          reply.hijack();
          return idp.provider.interactionFinished(
            asPublicRequest(request, auth.publicUrl()),
            reply.raw,
            { error: 'access_denied', error_description: 'La personne a annulé la connexion.' },
            { mergeWithLastSubmission: false },
          );
        },
      );
    });

    // Everything else under /idp: oidc-provider reads its own request bodies.
    server.register(async (provider) => {
      provider.removeAllContentTypeParsers();
      provider.addContentTypeParser('*', (_request, _payload, done) => done(null));
      provider.all(`${IDP_MOUNT_PATH}/*`, { logSerializers: { req: pathOnly } }, async (request, reply) => {
        const idp = await withIdp(reply);
        if (!idp) return reply;
        let handler = handlers.get(idp);
        if (!handler) {
          handler = idp.provider.callback();
          handlers.set(idp, handler);
        }
        const raw = asPublicRequest(request, auth.publicUrl());
        raw.originalUrl = raw.url;
        raw.url = (raw.url ?? '/').slice(IDP_MOUNT_PATH.length) || '/';
        reply.hijack();
        await handler(raw, reply.raw);
      });
    });
  };
}

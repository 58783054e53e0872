import { createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { createInboundGateway } from '../gateway/inbound.ts';
import { buildHttpServer } from '../http/server.ts';
import { createLogger } from '../logger.ts';
import { ensureDemoData } from './demo.ts';
import type { CliOutput } from './output.ts';

/**
 * `officine-mss serve`: opens the store (running migrations), loads the demo data on first start
 * when configured, listens, prints what it serves, and shuts down cleanly on SIGINT/SIGTERM.
 */
export async function runServe(config: Config, output: CliOutput): Promise<void> {
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, { logger });
  if (config.demoData === 'auto') await ensureDemoData(app, output);
  const server = buildHttpServer(app, logger);
  await server.listen({ host: config.host, port: config.port });
  // PUBLIC_URL, or http://HOST:PORT once listening. The bundled identity provider (when a
  // population has no configured issuer) starts now, so that a problem shows at start.
  const base = server.officineAuth.publicUrl();
  const idp = await server.officineAuth.bundledIdp();
  output.out('');
  output.out(
    `Officine MSS est démarré (${app.store.engine === 'sqlite' ? `SQLite : ${config.database.engine === 'sqlite' ? config.database.file : ''}` : 'PostgreSQL'}).`,
  );
  output.out(`  Accueil          ${base}/`);
  output.out(`  Espace patient   ${base}/patient/`);
  output.out(`  Comptoir         ${base}/pharmacie/ (équipe de la pharmacie)`);
  output.out(`  État de santé    ${base}/api/health`);
  output.out(`  Connexion        ${base}/auth/patient/login (patients), ${base}/auth/pro/login (pharmacies)`);
  if (idp) output.out(`  Identité (démo)  ${idp.issuer} — fournisseur d’identité de démonstration`);
  const smtpIn = config.gateway.smtpIn ? createInboundGateway(app, config.gateway.smtpIn, { logger }) : null;
  if (smtpIn) {
    const bound = await smtpIn.start();
    output.out(`  SMTP entrant     ${bound.host}:${bound.port} (TLS mutuel, liste blanche MSSanté)`);
  }
  output.out('Ctrl+C pour arrêter.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await smtpIn?.close();
    await server.close(); // ends the event streams first (SHUTDOWN)
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

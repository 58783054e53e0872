import type { App } from '../app.ts';
import type { Logger } from '../logger.ts';
import type { SmtpInConfig } from './config.ts';
import type { DeliveryPort } from './delivery.ts';
import { createInboundListener, type InboundListener, type InboundListenerOptions } from './listener.ts';
import { createRecipientPolicy } from './recipients.ts';
import { createSpoolDelivery } from './spool.ts';
import { createWhitelist } from './whitelist.ts';

/**
 * The inbound side of the gateway, wired to the app: the whitelist from its source, recipients
 * looked up in the store, and the spool as delivery port (unless another is given).
 */
export function createInboundGateway(
  app: Pick<App, 'config' | 'store' | 'blobs' | 'audit' | 'clock'>,
  smtpIn: SmtpInConfig,
  options: {
    logger?: Logger | undefined;
    delivery?: DeliveryPort;
    onSessionClosed?: InboundListenerOptions['onSessionClosed'];
  } = {},
): InboundListener {
  const { logger } = options;
  const whitelist = createWhitelist({
    source: smtpIn.whitelist.source,
    reloadMs: smtpIn.whitelist.reloadMinutes * 60_000,
    maxBytes: smtpIn.limits.whitelistMaxBytes,
    timeoutMs: smtpIn.limits.whitelistTimeoutMs,
    clock: app.clock,
    log: (level, fields, message) => logger?.[level](fields, message),
  });
  const delivery =
    options.delivery ??
    createSpoolDelivery({
      store: app.store,
      blobs: app.blobs,
      audit: app.audit,
      clock: app.clock,
      maxBytes: smtpIn.limits.maxMessageBytes,
      onFault: (stage, error) =>
        logger?.error(
          { smtp: { stage, error: error instanceof Error ? error.name : 'unknown' } },
          'smtp spool fault',
        ),
    });
  return createInboundListener({
    config: smtpIn,
    whitelist,
    recipients: createRecipientPolicy({ db: app.store.db, hostedDomains: app.config.gateway.hostedDomains }),
    delivery,
    audit: app.audit,
    clock: app.clock,
    logger,
    onSessionClosed: options.onSessionClosed,
  });
}

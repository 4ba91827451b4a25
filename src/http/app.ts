import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import { webhookHandler, type WebhookDeps } from './webhookRoute.ts';
import { jsonBody } from './jsonBody.ts';
import type { EventStore, Store } from '../store/Store.ts';

export const WEBHOOK_PATH = '/webhooks/vcc/users';

export interface AppDeps extends WebhookDeps {
  store: Pick<EventStore, 'ingest' | 'recordRefusal' | 'kind'> & Pick<Store, 'ping'>;
  log: Logger;
  /** What /readyz reports besides the store (the config in force). */
  ready?: () => Record<string, unknown>;
  /** Deliveries whose outcome the store refused for good (see OutcomeRecorder): /readyz reports recent ones. */
  refusedWrites?: () => { count: number; lastAt: number | null };
  /** Take the client address and scheme from X-Forwarded-For / -Proto (behind a proxy you run). */
  trustProxy?: boolean;
  /** True once the service is shutting down: every response then closes its connection. */
  draining?: () => boolean;
  /** Extra routes mounted by later parts (Slack, Teams, admin, metrics). */
  mount?: (router: Router) => void;
}

/**
 * The HTTP surface. Unexpected errors become a 500 with a stable code and no details
 * (they are logged without request bodies or query strings, which may hold the secret).
 */
export function createApp(deps: AppDeps): Koa {
  // Behind a trusted proxy the client is the last X-Forwarded-For entry (the one that proxy
  // added), never an earlier one a client could have written itself.
  const app = new Koa({ proxy: deps.trustProxy ?? false, maxIpsCount: 1 });
  app.silent = true;
  app.use(outermost(deps));
  const webhook = webhookHandler(deps);
  // VCC's requests skip the router's matching and per-request middleware chain (a few % of
  // ingest throughput); the router keeps the same route for its variants (a trailing slash)
  // and for the 405 answer, with Allow, to other methods.
  app.use((ctx, next) =>
    ctx.path === WEBHOOK_PATH && (ctx.method === 'POST' || ctx.method === 'PUT') ? webhook(ctx) : next(),
  );
  // OPTIONS is a method like any other here: 405 (the router's allowedMethods would answer 200).
  app.use((ctx, next) => {
    if (ctx.method !== 'OPTIONS' || (ctx.path !== WEBHOOK_PATH && ctx.path !== `${WEBHOOK_PATH}/`)) return next();
    ctx.status = 405;
    ctx.set('Allow', 'POST, PUT');
    jsonBody(ctx, { error: { code: 'method_not_allowed', message: 'send POST or PUT' } });
  });
  const router = new Router();
  router.post(WEBHOOK_PATH, webhook);
  router.put(WEBHOOK_PATH, webhook);
  router.get('/healthz', (ctx) => {
    jsonBody(ctx, { status: 'ok' });
  });
  router.get('/readyz', async (ctx) => {
    try {
      await deps.store.ping();
      jsonBody(ctx, { status: 'ready', store: deps.store.kind, ...deps.ready?.(), ...refusedLately(deps) });
    } catch (e) {
      ctx.status = 503;
      jsonBody(ctx, { status: 'unavailable', store: deps.store.kind, error: (e as Error).message });
    }
  });
  deps.mount?.(router);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** How long /readyz reports a store that refused to record an outcome. */
const REFUSED_REPORTED_MS = 15 * 60_000;

/**
 * While the store has refused an outcome in the last 15 minutes: status `degraded` (still 200:
 * webhooks are taken and stored) and what was refused, so a probe or a person sees it.
 */
function refusedLately(deps: AppDeps): Record<string, unknown> {
  const r = deps.refusedWrites?.();
  if (!r || r.lastAt === null || deps.clock() - r.lastAt > REFUSED_REPORTED_MS) return {};
  return {
    status: 'degraded',
    storeRefusedWrites: {
      deliveries: r.count,
      lastAt: new Date(r.lastAt).toISOString(),
      meaning: 'the store refused to record these outcomes; they are set aside until a restart (see the log)',
    },
  };
}

const PROXY_WARNING =
  "requests arrive with X-Forwarded-For but TRUST_PROXY is not set: every client seems to come from the proxy's address, so five wrong admin logins lock everyone out for a minute and VCC_ALLOWED_SOURCES sees only the proxy. Set TRUST_PROXY=true if you run that proxy";

/**
 * Around every request: one warning the first time X-Forwarded-For arrives without
 * TRUST_PROXY; an unexpected error as a 500 with a stable code (logged without body or query);
 * `Connection: close` once shutting down (set after the handler, so a request already in
 * flight at SIGTERM gets it too).
 */
function outermost(deps: AppDeps): Koa.Middleware {
  let proxyWarned = deps.trustProxy === true;
  return async (ctx, next) => {
    if (!proxyWarned && ctx.get('x-forwarded-for')) {
      proxyWarned = true;
      deps.log.warn(PROXY_WARNING);
    }
    try {
      await next();
    } catch (e) {
      const err = { message: (e as Error).message, stack: (e as Error).stack };
      deps.log.error({ err, method: ctx.method, path: ctx.path }, 'unexpected error');
      ctx.status = 500;
      jsonBody(ctx, { error: { code: 'internal_error', message: 'internal error; see the service log' } });
    }
    if (deps.draining?.()) ctx.set('Connection', 'close');
  };
}

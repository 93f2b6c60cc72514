// buildApp(): the Hono application and its runtime. Small routers (api/routes/*) are mounted with app.route behind
// the shared middleware: request id + structured log line, services in the context, authentication,
// JSON errors in the contract's shape and JSON 404 for unknown /api paths. server.ts adds the
// dashboard's static files and listens; tests call app.request() directly.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import pino, { type Logger } from 'pino';
import { AuditLog } from './audit.ts';
import { authenticate } from './auth/middleware.ts';
import { SessionStore } from './auth/sessions.ts';
import { LoginThrottle, type ThrottleOptions } from './auth/throttle.ts';
import { limitBodies } from './edge/body-limits.ts';
import { ClientAddresses, trustedProxiesFromEnv } from './edge/client-address.ts';
import { csrfProtection } from './edge/csrf.ts';
import { securityHeaders } from './edge/security-headers.ts';
import { QueryCache, type CacheLimits } from './cache.ts';
import type { AppEnv, AppServices } from './env.ts';
import { ApiError, errorBody } from './http-error.ts';
import { MetricGate, metricLimitsFromEnv, type MetricLimits } from './metrics/bounds.ts';
import { InvalidQueryError, UnknownIdError } from './metrics/engine.ts';
import { openApiDocument } from './openapi.ts';
import { ReferenceStore } from './reference.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { compareRoutes, metricRoutes } from './routes/metrics.ts';
import { projectionRoutes } from './routes/projections.ts';
import { referenceRoutes } from './routes/reference.ts';
import { sqlRoutes } from './routes/sql.ts';
import { importQueueFor, type ApiRuntime } from './runtime.ts';
import type { Warehouse } from '../pipeline/db.ts';
import type { PrivateStore } from './private-store.ts';

export interface AppOptions {
  warehouse: Warehouse;
  /** Users, sessions, audit log, saved queries: never the warehouse (api/private-store.ts). */
  privateStore: PrivateStore;
  importDirectory: string;
  logger?: Logger;
  /** Session lifetime; default 8 h (tests use a few milliseconds to see expiry). */
  sessionTtlMs?: number;
  throttle?: ThrottleOptions;
  /** Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (IPs or CIDRs); default STYRINGSDATA_TRUSTED_PROXIES, else none. */
  trustedProxies?: readonly string[];
  /** Token of the local import hand-off (server.json). */
  cliToken?: string | null;
  secureCookies?: boolean;
  /** Largest accepted upload (streamed to disk, never held in memory); default 2 GB. */
  maxUploadBytes?: number;
  /** Limits of metric and compare queries; default from STYRINGSDATA_METRIC_* (api/metrics/bounds.ts). */
  metricLimits?: Partial<MetricLimits>;
  /** Byte budget of the answer cache; default STYRINGSDATA_CACHE_MB (256 MB). */
  cache?: CacheLimits;
  /** Delay before queued audit entries are written; default 1 s. */
  auditBatchDelayMs?: number;
}

export interface StyringsdataApp {
  app: Hono<AppEnv>;
  runtime: ApiRuntime;
  auditLog: AuditLog;
}

export function buildApp(options: AppOptions): StyringsdataApp {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const auditLog = new AuditLog(
    options.privateStore,
    (error) => logger.error({ err: error }, 'audit log write failed'),
    options.auditBatchDelayMs,
  );
  const services: AppServices = {
    warehouse: options.warehouse,
    privateStore: options.privateStore,
    importDirectory: options.importDirectory,
    audit: auditLog.record,
  };
  const clientAddresses = new ClientAddresses(options.trustedProxies ?? trustedProxiesFromEnv());
  const runtime: ApiRuntime = {
    services,
    sessions: new SessionStore(options.privateStore, options.sessionTtlMs),
    throttle: new LoginThrottle(options.throttle, clientAddresses),
    cache: new QueryCache(options.warehouse, options.cache),
    metricGate: new MetricGate({ ...metricLimitsFromEnv(), ...options.metricLimits }),
    reference: new ReferenceStore(options.warehouse),
    imports: importQueueFor(options.warehouse),
    logger,
    cliToken: options.cliToken ?? null,
    secureCookies: options.secureCookies ?? false,
    maxUploadBytes: options.maxUploadBytes ?? 2 * 1024 * 1024 * 1024,
  };

  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const id = c.req.header('x-request-id')?.replace(/[^\w.-]/g, '').slice(0, 64) || randomUUID();
    const started = performance.now();
    c.set('services', services);
    c.header('X-Request-Id', id);
    await next();
    const user = c.get('user') as AppEnv['Variables']['user'] | undefined;
    logger.info(
      {
        id,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: user?.username,
      },
      'request',
    );
  });
  // The HTTP edge (api/edge/*): headers on every answer, then cross-site and body-size checks before
  // any route reads a body.
  app.use(securityHeaders());
  app.use(csrfProtection(clientAddresses));
  app.use(limitBodies());

  const open = new Hono<AppEnv>()
    .route('/health', healthRoutes(runtime))
    .route('/auth', authRoutes(runtime))
    .get('/openapi.json', (c) => c.json(openApiDocument));
  const guarded = new Hono<AppEnv>()
    .use(authenticate(runtime))
    .route('/', referenceRoutes(runtime))
    .route('/metrics', metricRoutes(runtime))
    .route('/compare', compareRoutes(runtime))
    .route('/projections', projectionRoutes(runtime))
    .route('/imports', importRoutes(runtime))
    .route('/sql', sqlRoutes);

  app.route('/api', open);
  app.use('/api/*', async (c, next) => {
    // Unknown /api paths answer 404 for everyone, without first asking for a login.
    if (!knownApiPath(c.req.path)) throw new ApiError(404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`);
    return next();
  });
  app.route('/api', guarded);

  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message), error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody(httpCode(error.status), error.message || 'The request was not understood.'), error.status);
    }
    if (error instanceof UnknownIdError || error instanceof InvalidQueryError) {
      return c.json(errorBody('invalid_parameter', error.message), 400);
    }
    logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'Something went wrong on the server; the log has the details.'), 500);
  });
  return { app, runtime, auditLog };
}

const apiPrefixes = [
  '/api/municipalities',
  '/api/collaborations',
  '/api/units',
  '/api/metrics',
  '/api/compare/',
  '/api/projections/',
  '/api/imports',
  '/api/sql',
];
function knownApiPath(path: string): boolean {
  return apiPrefixes.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

function httpCode(status: number): string {
  return ({ 400: 'bad_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 429: 'too_many_requests' } as Record<number, string>)[status] ?? 'error';
}

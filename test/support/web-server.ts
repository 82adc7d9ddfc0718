import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ProtectionOptions } from '../../src/http/protection.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { systemClock } from '../../src/domain/clock.js';
import { buildApp, DEFAULT_WEB_ROOT } from '../../src/http/app.js';
import { createLogger } from '../../src/logging.js';
import { createContext, type ServiceContext } from '../../src/services/context.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openTestStore, type OpenedStore } from './engines.js';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags every headless run needs here: no sandbox as root, no GPU, and no calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface WebServer {
  url: string;
  services: Services;
  ctx: ServiceContext;
  opened: OpenedStore;
  close(): Promise<void>;
}

/**
 * The limits per address, raised: every story's residents come from one loopback address, as a city's
 * would through one NAT, and a file of stories asks more than 10 sign-in codes a minute when the machine
 * is fast (a story then waited for a code its refusal never showed). A test of a limit sets its own.
 */
const ONE_ADDRESS_FOR_MANY: ProtectionOptions = {
  limits: { ...DEFAULT_LIMITS, signInCodesPerAddressPerMinute: 100_000, signInAttemptsPerAddressPerHour: 100_000, registrationsPerAddressPerHour: 100_000, dependentsPerAddressPerHour: 100_000 },
};

/**
 * The real server with the built apps, on SQLite and the real clock (the browser checks codes
 * against its own clock), in development mode so the sign-in screen can show the demo SMS.
 */
export async function startWebServer(options: { port?: number; protection?: ProtectionOptions } = {}): Promise<WebServer> {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) throw new Error('the browser apps are not built: run `npm run build:web` (npm test does)');
  const opened = await openTestStore('sqlite');
  const ctx = createContext({
    database: opened.store,
    clock: systemClock,
    dataKey: randomBytes(32),
    logger: createLogger('silent'),
    settings: { mode: 'development', timeZone: 'Asia/Shanghai', sessionTtlSeconds: 3600, signInCodeTtlSeconds: 300, tokenTtlSeconds: 300 },
  });
  const services = createServices(ctx);
  await services.rules.ensureDefault();
  const app: FastifyInstance = await buildApp({ services, bodyLimitBytes: 1024 * 1024, protection: options.protection ?? ONE_ADDRESS_FOR_MANY });
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  services.oauthServer.setOrigin(address);
  services.notices.setOrigin(address);
  return {
    url: address,
    services,
    ctx,
    opened,
    close: async () => {
      await app.close();
      await opened.dispose();
    },
  };
}

export async function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], ...options });
}

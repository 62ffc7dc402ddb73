/**
 * What the browser tests share: the real system started with `npm start` on the test services (test/e2e's
 * helpers), accounts and tokens made with the package's own CLI as an operator makes them (`npx hj212 user create`
 * with the password on stdin, `npx hj212 token create`), simulators started with `npx hj212-sim`, and Debian's
 * Chromium driven by playwright-core. Selectors use the console's stable hooks only (data-screen, data-table,
 * data-row, data-action, data-nav, input names), never translated text.
 *
 * Chromium is required: without it the file fails with a message saying how to install it (CI must not skip).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { npmStartOnTestServices, shell, ROOT, type Running, type System } from '../e2e/doc-commands.js';
import { redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

/** Debian's `chromium` package (scripts/services.sh install); HJ212_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.HJ212_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The console's layout target: no horizontal overflow at 1280×720. */
export const VIEWPORT = { width: 1280, height: 720 };

/** Where screenshots go when HJ212_CONSOLE_SCREENSHOTS is set (npm run console:screenshots: docs/console). */
const SHOTS = process.env.HJ212_CONSOLE_SCREENSHOTS;

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM_PATH}: install it with "bash scripts/services.sh install" (Debian package chromium) or set HJ212_CHROMIUM to its path`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface Platform {
  system: System;
  /** http://127.0.0.1:<API port>, where the console is served. */
  api: string;
  /** Environment of every CLI command (HJ212_REDIS_URL of the system). */
  env: NodeJS.ProcessEnv;
  redisUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies) at 1280×720 with one page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** `npx hj212 <args>` as an operator types it; `stdin` is what the prompt reads (a password). */
  cli(args: string, stdin?: string): Promise<string>;
  /** `npx hj212 user create <name> --role …` with the password on stdin. */
  createUser(name: string, password: string, roleArgs: string): Promise<void>;
  /** `npx hj212 token create …`: the secret. */
  createToken(roleArgs: string): Promise<string>;
  /** JSON over HTTP with a bearer token; throws unless 2xx. */
  http<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  /** `npx hj212-sim --port <gateway> <args>` in the background (stopped at the end). */
  sim(args: string): Running;
  stop(): Promise<void>;
}

/**
 * `npm start` against Redis database `db` of the test Redis (flushed first; each browser file its own database, so
 * files running in parallel do not share a system) and a fresh InfluxDB database, plus a Chromium.
 */
export async function startPlatform(t: Test, db: number, env: NodeJS.ProcessEnv = {}): Promise<Platform> {
  const browser = await launchChromium();
  const redis = `${redisUrl()}/${db}`;
  const system = await npmStartOnTestServices(redis, env);
  const api = `http://127.0.0.1:${system.apiPort}`;
  const cliEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', HJ212_REDIS_URL: redis };
  const sims: Running[] = [];
  const contexts: BrowserContext[] = [];

  const cli = async (args: string, stdin?: string): Promise<string> => {
    const r = await shell(`npx hj212 ${args}`, cliEnv, 120_000, stdin).done;
    if (r.code !== 0) throw new Error(`npx hj212 ${args} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const platform: Platform = {
    system,
    api,
    env: cliEnv,
    redisUrl: redis,
    browser,
    async newPage() {
      // A Chinese operator's browser: the platform's default HJ212_TIME_ZONE, so datetime inputs mean the same hour.
      const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    cli,
    async createUser(name, password, roleArgs) {
      await cli(`user create ${name} ${roleArgs}`, `${password}\n`);
    },
    async createToken(roleArgs) {
      return (JSON.parse(await cli(`token create ${roleArgs}`)) as { token: string }).token;
    },
    async http<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    sim(args) {
      const running = shell(`npx hj212-sim --port ${system.gatewayPort} ${args}`, cliEnv, 900_000);
      sims.push(running);
      return running;
    },
    async stop() {
      for (const s of sims.splice(0)) s.kill();
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
      await browser.close();
      await system.stop();
    },
  };
  t.teardown(() => platform.stop());
  return platform;
}

/** Signs in through the sign-in screen and waits for the shell (its sign-out button). */
export async function signIn(page: Page, api: string, username: string, password: string): Promise<void> {
  await page.goto(`${api}/`);
  await page.waitForSelector('[data-screen="sign-in"]');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-action="sign-in"]');
  await page.waitForSelector('[data-action="sign-out"]');
}

/** Opens a screen from the side navigation (data-nav) and waits for its root. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.click(`[data-nav="${name}"]`);
  await page.waitForSelector(`[data-screen="${name}"]`);
}

/** document.documentElement.scrollWidth: the page's width including anything overflowing to the right. */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}

/** Saves `docs/console/<name>.png` (1280×720) when HJ212_CONSOLE_SCREENSHOTS names a directory. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  const dir = join(ROOT, SHOTS);
  mkdirSync(dir, { recursive: true });
  // Let the screen settle (fonts, chart animation end) before the picture: a condition, not a delay.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

export { waitFor };

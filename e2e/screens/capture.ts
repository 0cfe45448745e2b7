/**
 * `npm run screens [-- <scene>…] [--out <dir>]`: the screenshots of `docs/screens/`, taken
 * again. Builds nothing: it serves the `dist/` of the last `npm run build`. Starts the real
 * server (a throwaway SQLite file with the demo world, on a free port) for each scene and
 * device, drives Chromium (headless, see support/chromium.ts) there and writes
 * `<scene>-<desktop|phone>-<light|dark>.png`. Exits 1 naming each scene that failed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, request, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, resolveChromium } from '../support/chromium.ts';
import { OwnServer } from '../support/own-server.ts';
import { DEVICES, ScreenWorld, type Device, type Scene, type Scheme } from './scene.ts';
import { SCENES } from './scenes.ts';

const DEFAULT_OUT = 'docs/screens';
/** The built files the server serves: the inbox and the widget's loader. */
const BUILT = ['dist/index.html', 'dist/widget.js'];
const SCHEMES: readonly Scheme[] = ['light', 'dark'];
const ALL_DEVICES: readonly Device[] = ['desktop', 'phone'];
/** How long one step of a scene (a click, a wait for words) may take before the shot fails. */
const STEP_TIMEOUT_MS = 20_000;
/** Lines of a failure's message printed (a Playwright error's call log follows its first lines). */
const ERROR_LINES = 6;

const SERVER_ENV = {
  // Replies stream fast; an approval waits for an hour, so the waiting scene's countdown holds still.
  DEMO_AGENT_CHUNK_MS: '5',
  APPROVAL_TTL_MS: String(60 * 60 * 1000),
  DEMO_DATA: 'true',
};

interface Failure {
  what: string;
  error: unknown;
  /** A shot of the page as the scene left it, for a look at what went wrong. */
  evidence?: string;
}

function fail(message: string): never {
  console.error(`screens: ${message}`);
  process.exit(2);
}

function options() {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } }, allowPositionals: true });
  const unknown = positionals.filter((name) => !SCENES.some((scene) => scene.name === name));
  if (unknown.length > 0) fail(`no scene named ${unknown.join(', ')}; the scenes are: ${SCENES.map((scene) => scene.name).join(', ')}`);
  const scenes = positionals.length > 0 ? SCENES.filter((scene) => positionals.includes(scene.name)) : SCENES;
  return { out: values.out, scenes };
}

/** Waits until web fonts are loaded and two frames have been drawn (animations are off: reduced motion). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/** One scene on one device: a fresh context (signed out, empty storage) brought there once, shot in each scheme. */
async function shootStage(browser: Browser, server: OwnServer, scene: Scene, device: Device, out: string): Promise<string[]> {
  const phone = device === 'phone';
  const context = await browser.newContext({
    baseURL: server.baseURL,
    viewport: DEVICES[device],
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    colorScheme: SCHEMES[0],
    reducedMotion: 'reduce',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const api = await request.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  try {
    const world = await ScreenWorld.open(api);
    await scene.prepare?.(world);
    await scene.show(page, { world, context, device });
    const files: string[] = [];
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await settle(page);
      const file = join(out, `${scene.name}-${device}-${scheme}.png`);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', scale: 'css' });
      files.push(file);
    }
    return files;
  } catch (error) {
    const evidence = join(tmpdir(), `screens-failed-${scene.name}-${device}.png`);
    const saved = await page.screenshot({ path: evidence }).then(
      () => evidence,
      () => undefined,
    );
    throw Object.assign(new Error('the scene failed'), { cause: error, evidence: saved });
  } finally {
    await context.close();
    await api.dispose();
  }
}

/** A started server with the demo world; the next stage's is started while one is shot. */
function startServer(): Promise<OwnServer> {
  const started = (async () => {
    const server = await OwnServer.create(SERVER_ENV);
    try {
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  })();
  // Awaited later, by its stage: until then a failure must not count as unhandled.
  started.catch(() => undefined);
  return started;
}

function report(failure: Failure): void {
  const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
  console.error(`✗ ${failure.what}:\n    ${message.split('\n').slice(0, ERROR_LINES).join('\n    ')}`);
  if (failure.evidence) console.error(`    the page as the scene left it: ${failure.evidence}`);
}

async function main(): Promise<void> {
  const { out, scenes } = options();
  const missing = BUILT.filter((file) => !existsSync(file));
  if (missing.length > 0) fail(`${missing.join(' and ')} missing: run npm run build first (this script builds nothing).`);
  mkdirSync(out, { recursive: true });

  const stages = scenes.flatMap((scene) => (scene.devices ?? ALL_DEVICES).map((device) => ({ scene, device })));
  const failures: Failure[] = [];
  let written = 0;
  const browser = await chromium.launch({ executablePath: resolveChromium(), args: CHROMIUM_ARGS, headless: true });
  let next: Promise<OwnServer> | null = stages.length > 0 ? startServer() : null;
  try {
    for (const [index, { scene, device }] of stages.entries()) {
      const starting = next!;
      next = index + 1 < stages.length ? startServer() : null;
      let server: OwnServer | null = null;
      try {
        server = await starting;
        for (const file of await shootStage(browser, server, scene, device, out)) {
          written++;
          console.log(`✓ ${file}`);
        }
      } catch (error) {
        const { cause, evidence } = error as { cause?: unknown; evidence?: string };
        failures.push({ what: `scene "${scene.name}" (${device})`, error: cause ?? error, evidence });
        report(failures.at(-1)!);
      } finally {
        await server?.dispose();
      }
    }
  } finally {
    // A server started for a stage that never came (an error above) is stopped too.
    await next?.then((server) => server.dispose()).catch(() => undefined);
    await browser.close();
  }
  console.log(`screens: ${written} written to ${out}${failures.length > 0 ? `, ${failures.length} failed` : ''}`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();

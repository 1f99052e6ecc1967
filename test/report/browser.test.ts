import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunResult } from 'baton-flow';
import { flowGraph, runReport, runsReport, toMermaid, toSvg } from 'baton-flow/report';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { doneSupportRun, escalatedChainRun, failedSupportRun, LEAKED_KEY } from '../helpers/report-runs.js';

// The pages Baton writes, opened in a real browser: Debian's Chromium, driven by playwright-core (which
// downloads no browser of its own). `.ci/run` installs Chromium where it is missing; elsewhere these tests
// are skipped, and say so.

// The page functions below run in Chromium. The test's program has no DOM types (the library must not
// use them), so this file declares the little of the browser those functions touch.
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBBox(): { readonly width: number };
  getComputedTextLength(): number;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { readonly data: Uint8ClampedArray };
  } | null;
}
declare const document: {
  readonly scripts: { readonly length: number };
  readonly documentElement: { readonly tagName: string };
  querySelectorAll(selector: string): Iterable<PageElement>;
  createElement(tag: 'canvas'): PageCanvas;
};
declare const Image: new () => {
  src: string;
  readonly width: number;
  readonly height: number;
  decode(): Promise<void>;
};
declare function getComputedStyle(element: unknown): {
  readonly stroke: string;
  readonly strokeWidth: string;
  readonly opacity: string;
};

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const MISSING = `no Chromium at ${CHROMIUM}, so the report's browser tests are skipped: install it with \`apt-get update && apt-get install -y chromium\``;
const MERMAID = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

let browser: Browser | undefined;
let folder: string;
let failed: RunResult;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'baton-browser-'));
  failed = await failedSupportRun();
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Skips the test, with the reason, where there is no Chromium; in CI a missing Chromium is a failure. */
function needsChromium(context: TestContext): Browser {
  if (!hasChromium && process.env.CI) throw new Error(`${MISSING}: .ci/run should have installed it`);
  context.skip(!hasChromium, MISSING);
  return browser!;
}

/** What a page did while it was open: its console errors and uncaught errors, and every request after its own. */
interface Visit {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
}

async function visit(chrome: Browser, file: string, text: string): Promise<Visit> {
  const path = join(folder, file);
  writeFileSync(path, text);
  const url = pathToFileURL(path).href;
  const page = await chrome.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** How much of a PNG is drawn on: the share of sampled pixels that are not near white, and of highlight blue. */
async function inkOf(chrome: Browser, png: Buffer) {
  const page = await chrome.newPage();
  try {
    return await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let samples = 0;
      let inked = 0;
      let blue = 0;
      let red = 0;
      for (let i = 0; i < data.length; i += 4 * 3) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        samples += 1;
        if (r < 230 || g < 230 || b < 230) inked += 1;
        if (Math.abs(r - 29) < 30 && Math.abs(g - 78) < 30 && Math.abs(b - 216) < 30) blue += 1;
        if (Math.abs(r - 194) < 30 && Math.abs(g - 59) < 30 && Math.abs(b - 59) < 30) red += 1;
      }
      return { width: image.width, height: image.height, inked: inked / samples, blue, red };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

describe(hasChromium ? 'the report in Chromium' : `the report in Chromium (skipped: ${MISSING})`, () => {
  it('opens the report of a failed run with no console error and no request', async (context) => {
    const chrome = needsChromium(context);
    const { page, errors, requests } = await visit(
      chrome,
      'failed.html',
      runReport(failed, { flow: support }),
    );
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.evaluate(() => document.scripts.length)).toBe(0);
      expect(await page.title()).toContain('failed');
    } finally {
      await page.close();
    }
  });

  it('shows the failing agent, the reason code and the MAST failure mode', async (context) => {
    const chrome = needsChromium(context);
    const { page } = await visit(chrome, 'failed.html', runReport(failed, { flow: support }));
    try {
      const ending = page.locator('#ending');
      expect(await ending.isVisible()).toBe(true);
      expect(await page.locator('#ending .failing-agent').textContent()).toBe('billing');
      const text = await ending.textContent();
      expect(text).toContain('failed: contract_violation at agent billing');
      expect(text).toContain('FM-1.1 Disobey task specification');
      expect(text).toContain('/problem: must be string');
      expect(await page.locator('#status').textContent()).toBe('failed');
    } finally {
      await page.close();
    }
  });

  it('highlights the path taken in the diagram and the agent it ended at', async (context) => {
    const chrome = needsChromium(context);
    const { page } = await visit(chrome, 'failed.html', runReport(failed, { flow: support }));
    try {
      const taken = page.locator('#diagram path.edge.taken');
      expect(await taken.count()).toBe(3);
      const handoff = page.locator('#diagram path.edge.taken[data-from="triage"][data-to="billing"]');
      expect(
        await handoff.evaluate((e) => [getComputedStyle(e).stroke, getComputedStyle(e).strokeWidth]),
      ).toEqual(['rgb(29, 78, 216)', '3px']);
      const plain = page.locator('#diagram path.edge:not(.taken)[data-from="triage"][data-to="tech"]');
      expect(await plain.evaluate((e) => getComputedStyle(e).stroke)).toBe('rgb(107, 114, 128)');
      const culprit = page.locator('#diagram g.node.culprit[data-state="billing"] rect');
      expect(await culprit.evaluate((e) => getComputedStyle(e).stroke)).toBe('rgb(194, 59, 59)');
      const unvisited = page.locator('#diagram g.node[data-state="tech"]');
      expect(await unvisited.evaluate((e) => getComputedStyle(e).opacity)).toBe('0.45');
      expect(
        await page
          .locator('#diagram g.node.visited')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state'))),
      ).toEqual(['triage', 'billing', 'failed']);
    } finally {
      await page.close();
    }
  });

  it('opens a handoff payload as pretty JSON, escaped and with keys redacted', async (context) => {
    const chrome = needsChromium(context);
    const { page, errors } = await visit(chrome, 'failed.html', runReport(failed, { flow: support }));
    try {
      const payload = page.locator('details.payload', { hasText: 'Step 1: triage → billing' });
      const pre = payload.locator('pre');
      expect(await pre.isVisible()).toBe(false);
      await payload.locator('summary').click();
      expect(await pre.isVisible()).toBe(true);
      const json = JSON.parse((await pre.textContent()) ?? '') as { question: string };
      expect(json.question).toBe('Refund <script>alert("pwned")</script> & more; token [REDACTED]');
      expect(await page.content()).not.toContain(LEAKED_KEY);
      expect(await page.evaluate(() => document.scripts.length)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('takes a screenshot of the report with the diagram and its highlights drawn', async (context) => {
    const chrome = needsChromium(context);
    const { page } = await visit(chrome, 'failed.html', runReport(failed, { flow: support }));
    try {
      const png = await page.screenshot({ fullPage: true, path: join(folder, 'failed.png') });
      const ink = await inkOf(chrome, png);
      expect(ink.width).toBe(1200);
      expect(ink.height).toBeGreaterThan(900);
      expect(ink.inked).toBeGreaterThan(0.03);
      expect(ink.blue).toBeGreaterThan(50);
      expect(ink.red).toBeGreaterThan(50);
    } finally {
      await page.close();
    }
  });

  it('opens the reports of a done run and of many runs with no error or request', async (context) => {
    const chrome = needsChromium(context);
    const runs = [failed, await doneSupportRun(), await escalatedChainRun()];
    for (const [file, html] of [
      ['done.html', runReport(runs[1]!, { flow: support })],
      ['runs.html', runsReport(runs)],
    ] as const) {
      const { page, errors, requests } = await visit(chrome, file, html);
      try {
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await page.close();
      }
    }
    const { page } = await visit(chrome, 'runs.html', runsReport(runs));
    try {
      expect(await page.locator('svg.bar-chart').count()).toBe(5);
      const box = await page.locator('svg.bar-chart').first().boundingBox();
      expect(box?.width).toBeGreaterThan(300);
    } finally {
      await page.close();
    }
  });

  it('renders the SVG of the support example without errors, every label inside its box', async (context) => {
    const chrome = needsChromium(context);
    const { page, errors, requests } = await visit(
      chrome,
      'support.svg',
      toSvg(flowGraph(support), { exits: true }),
    );
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.tagName)).toBe('svg');
      expect(await page.locator('parsererror').count()).toBe(0);
      const overflow = await page.evaluate(() =>
        [...document.querySelectorAll('g.node')].flatMap((node) => {
          const box = node.querySelector('rect')!.getBBox();
          return [...node.querySelectorAll(':scope > text')].flatMap((text) => {
            const width = text.getComputedTextLength();
            return width > box.width - 4 ? [`${node.getAttribute('data-state')}: "${text.textContent}"`] : [];
          });
        }),
      );
      expect(overflow).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("parses and renders the support example's Mermaid with Mermaid's own parser", async (context) => {
    const chrome = needsChromium(context);
    const page = await chrome.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
      await page.addScriptTag({ path: MERMAID });
      const check = (text: string) =>
        page.evaluate(async (diagram) => {
          const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
          mermaid.initialize({ startOnLoad: false });
          try {
            const parsed = await mermaid.parse(diagram);
            const { svg } = await mermaid.render(`d${Math.round(performance.now())}`, diagram);
            return { type: parsed.diagramType, svg };
          } catch (error) {
            return { error: String((error as Error).message ?? error) };
          }
        }, text);
      const result = await check(toMermaid(flowGraph(support)));
      expect(result).toMatchObject({ type: 'stateDiagram' });
      for (const name of ['triage', 'billing', 'tech', 'done', 'escalated', 'failed', 'cancelled']) {
        expect((result as { svg: string }).svg).toContain(`>${name}<`);
      }
      // The parser is strict: a broken diagram is refused, so the pass above means something.
      expect(await check('stateDiagram-v2\n  [*] --> -->\n')).toMatchObject({
        error: expect.stringMatching(/Parse error/),
      });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/** What the test calls of the global `mermaid` that mermaid.min.js defines. */
interface MermaidApi {
  initialize(config: { startOnLoad: boolean }): void;
  parse(text: string): Promise<{ diagramType: string }>;
  render(id: string, text: string): Promise<{ svg: string }>;
}

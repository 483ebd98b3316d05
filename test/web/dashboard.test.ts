// The dashboard in a real headless chromium against a real server holding two trained teachers, an
// evaluated ensemble of them, a student distilled from it and a run under way: sign-in and errors with
// the problem's detail, model search, the student's lineage to its teachers, the live curve gaining
// points, the reliability diagram, and a read-only key that sees no write buttons.
// With DISTILLERY_SCREENSHOTS=<folder> (`npm run screenshots`) it saves each page there, for docs/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvents } from '../node/support';
import { startTestServer, type TestServer } from '../support/server';
import { launchChromium } from './browser';
import { buildDashboardRegistry, type DashboardRegistry } from './registry-fixture';

const SCREENSHOTS = process.env.DISTILLERY_SCREENSHOTS;

let server: TestServer;
let registry: DashboardRegistry;
let chromium: Browser;
/** The admin's tab: session storage, which holds the key, belongs to one tab. */
let admin: Page;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** What the pages' consoles reported as refused by the Content-Security-Policy. */
const cspViolations: string[] = [];

async function signedIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  await page.goto(`${server.baseUrl}/ui/`);
  await page.fill('#api-key', key);
  await page.click('button[type=submit]');
  await page.getByTestId('identity').waitFor();
  return { context, page };
}

/** Opens a route in the signed-in tab. */
async function open(page: Page, hash: string): Promise<Page> {
  await page.goto(`${server.baseUrl}/ui/${hash}`);
  await page.getByTestId('identity').waitFor();
  return page;
}

/** How many points each series of a chart draws. */
async function seriesPoints(chart: Locator): Promise<number[]> {
  return JSON.parse((await chart.getAttribute('data-series-points')) ?? '[]') as number[];
}

/** The problem's detail the API itself gives for this request. */
async function apiDetail(path: string, key?: string): Promise<string> {
  const response = await server.fetch(path, {}, key);
  return ((await response.json()) as { detail: string }).detail;
}

beforeAll(async () => {
  // Two nodes: one holds the long run, the other takes what the test starts from the pages.
  server = await startTestServer({ config: { embeddedNodes: 2 }, env: { DISTILLERY_BACKEND: 'cpu' } });
  registry = await buildDashboardRegistry(server);
  chromium = await launchChromium();
  admin = (await signedIn(server.adminKey)).page;
}, 240_000);

afterAll(async () => {
  if (registry) await server.client.POST('/v1/runs/{id}/cancel', { params: { path: { id: registry.runningRunId } } });
  await chromium?.close();
  await server?.close();
});

describe('the dashboard in headless chromium', () => {
  it('is served at /ui/ with its scripts, and asks for a key, showing the problem detail of a wrong one', async () => {
    const context = await chromium.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${server.baseUrl}/ui`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await screenshot(page, 'sign-in');
    const wrongKey = 'dk_nobody_wrongwrongwrongwrongwrong';
    await page.fill('#api-key', wrongKey);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.error .detail').textContent()).toBe(await apiDetail('/v1/keys/current', wrongKey));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });

  it('keeps the key for the tab only: a reload stays signed in, a new tab asks again', async () => {
    const page = await open(admin, '#/models');
    await page.reload();
    await page.getByTestId('identity').waitFor();
    const tab = await page.context().newPage();
    await tab.goto(`${server.baseUrl}/ui/#/models`);
    await tab.locator('#api-key').waitFor();
    await tab.close();
  });

  it('lists models with their latest version, aliases and tags, and searches them', async () => {
    const page = await open(admin, '#/models');
    const { data: models } = await server.client.GET('/v1/models');
    const rows = page.getByTestId('models').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(models!.total);
    const teacher = rows.filter({ hasText: 'teacher' });
    expect(await teacher.textContent()).toContain('v2');
    expect(await teacher.textContent()).toContain('production=v2');
    await screenshot(page, 'models');
    await page.fill('input[type=search]', 'stud');
    await expect.poll(() => page.url()).toContain('q=stud');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('student');
  });

  it("shows a model's versions with metrics, parameters and files", async () => {
    const page = await open(admin, '#/models/teacher');
    // Rows of the table itself, not of the parameter tables inside its cells.
    const rows = page.locator('[data-testid=versions] > tbody > tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/weights\.bin \(\d/);
    expect(await page.locator('button.write', { hasText: 'Archive' }).count()).toBe(2);
    const download = page.waitForEvent('download');
    await rows.first().getByRole('button', { name: /model\.json/ }).click();
    expect((await download).suggestedFilename()).toMatch(/^teacher-v\d-model\.json$/);
    await screenshot(page, 'model');
  });

  it("draws the student's lineage to the ensemble and its teachers, and opens a teacher on click", async () => {
    const page = await open(admin, `#/models/student/versions/${registry.studentVersion}`);
    const graph = page.getByTestId('lineage-graph');
    const titles = () => graph.getByTestId('lineage-node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-title')).sort());
    await expect.poll(titles).toEqual(['ensemble pair', `student v${registry.studentVersion}`, 'teacher v1', 'teacher v2']);
    const labels = await graph.locator('.edge text').allTextContents();
    expect(labels.some((label) => label.includes('knowledge-distillation') && label.includes('T=2') && label.includes('α=0.1'))).toBe(true);
    expect(labels.filter((label) => label.includes('ensemble-member') && label.includes('weight 0.5'))).toHaveLength(2);
    await expect.poll(() => page.getByTestId('comparison').locator('thead th').count()).toBe(5);
    await screenshot(page, 'lineage');
    await graph.locator('[data-title="teacher v1"]').click();
    await expect.poll(() => page.url()).toContain('#/models/teacher/versions/1');
    await expect.poll(titles).toContain(`student v${registry.studentVersion}`);
    // The teacher beside the ensemble it is a member of and the student distilled from that ensemble.
    const columns = () => page.getByTestId('comparison').locator('thead a').allTextContents();
    await expect.poll(columns).toEqual(['teacher v1', 'ensemble pair', `student v${registry.studentVersion}`]);
  });

  it('follows the running run live: its loss curve gains points while the page is open', async () => {
    const page = await open(admin, `#/runs/${registry.runningRunId}`);
    const chart = page.getByTestId('chart-loss');
    const points = async () => Number(await chart.getAttribute('data-points'));
    await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(0);
    const first = await points();
    await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(first);
    await expect.poll(() => chart.locator('canvas').count()).toBe(1);
    expect(await page.getByTestId('live-state').textContent()).toContain('Live');
    // Batch losses between epochs, and per finished epoch a train and a validation point on both charts.
    const epochs = (await runEvents(server, registry.runningRunId)).filter((event) => event.kind === 'epoch').length;
    if (epochs > 0) await expect.poll(async () => (await seriesPoints(page.getByTestId('chart-accuracy')))[0]).toBeGreaterThanOrEqual(epochs);
    expect((await seriesPoints(chart))[0]).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(1);
    if (SCREENSHOTS) {
      // For the picture, a few epochs on the accuracy chart too (train and validation: two points each).
      const accuracyPoints = async () => Number(await page.getByTestId('chart-accuracy').getAttribute('data-points'));
      await expect.poll(accuracyPoints, { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
      await screenshot(page, 'run');
    }
  });

  it("shows an ensemble's members beside it, and its evaluation's reliability diagram and confusion matrix", async () => {
    const { data: evaluation } = await server.client.GET('/v1/evaluations/{id}', { params: { path: { id: registry.ensembleEvaluationId } } });
    const ensemblePage = await open(admin, '#/ensembles/pair');
    const members = ensemblePage.getByTestId('members').locator('tbody tr');
    await expect.poll(() => members.count()).toBe(3);
    const memberAccuracy = evaluation!.memberMetrics![0]!.accuracy;
    await expect.poll(() => members.first().textContent()).toContain(`${(memberAccuracy * 100).toFixed(2)} %`);
    await screenshot(ensemblePage, 'ensemble');

    const page = await open(admin, `#/evaluations/${registry.ensembleEvaluationId}`);
    // Series: accuracy bars, mean-confidence points, the diagonal. A bar and a point for each non-empty bin.
    const diagram = page.getByTestId('chart-reliability');
    const nonEmptyBins = evaluation!.reliability!.filter((bin) => bin.count > 0).length;
    expect(nonEmptyBins).toBeGreaterThan(0);
    await expect.poll(() => seriesPoints(diagram)).toEqual([nonEmptyBins, nonEmptyBins, evaluation!.reliability!.length]);
    await expect.poll(() => diagram.locator('canvas').count()).toBe(1);
    const cells = await page.getByTestId('confusion-matrix').locator('tbody td').allTextContents();
    expect(cells).toHaveLength(evaluation!.confusionMatrix!.flat().length);
    expect(cells.reduce((sum, cell) => sum + Number(cell), 0)).toBe(evaluation!.metrics!.count);
    expect(await page.getByTestId('per-class').locator('tr').count()).toBe(evaluation!.perClassAccuracy!.length);
    await screenshot(page, 'evaluation');
  });

  it('lists runs and nodes: the embedded node alive, running the long run', async () => {
    const runs = await open(admin, '#/runs');
    await expect.poll(() => runs.getByTestId('runs').locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
    await screenshot(runs, 'runs');
    const page = await open(admin, '#/nodes');
    const rows = page.getByTestId('nodes').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const holder = rows.filter({ hasText: registry.runningRunId.slice(0, 8) });
    expect(await holder.count()).toBe(1);
    expect(await holder.textContent()).toContain('alive');
    expect(await holder.textContent()).toContain('cpu');
    await screenshot(page, 'nodes');
  });

  it('starts an evaluation from the ensemble page and follows it to its report', async () => {
    const page = await open(admin, '#/ensembles/pair');
    await page.getByLabel('Split').selectOption('validation');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/evaluations\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1)!;
    const { data: queued } = await server.client.GET('/v1/evaluations/{id}', { params: { path: { id } } });
    expect(queued).toMatchObject({ split: 'validation', target: { kind: 'ensemble', name: 'pair' } });
    await expect.poll(async () => (await seriesPoints(page.getByTestId('chart-reliability')))[0], { timeout: 60_000 }).toBeGreaterThan(0);
  });

  it("shows the problem's detail when a page's request fails", async () => {
    const page = await open(admin, '#/models/no-such-model');
    await expect.poll(() => page.locator('.error .detail').first().textContent()).toBe(await apiDetail('/v1/models/no-such-model'));
  });

  it('shows a read-only key no write buttons', async () => {
    const { context, page } = await signedIn(registry.readOnlyKey);
    expect(await page.getByTestId('identity').textContent()).toContain('read-only');
    for (const [hash, loaded] of [
      [`#/runs/${registry.runningRunId}`, 'chart-loss'],
      ['#/models/teacher', 'versions'],
      ['#/ensembles/pair', 'members'],
    ] as const) {
      const view = await open(page, hash);
      await view.getByTestId(loaded).waitFor();
      await view.getByTestId('run-status').or(view.locator('tbody tr').first()).first().waitFor();
      expect(await view.locator('.write').count(), hash).toBe(0);
      expect(await view.getByRole('button', { name: /cancel|archive|evaluate/i }).count(), hash).toBe(0);
    }
    await context.close();
  });

  it('cancels the run from its page: the stream ends, holding each event once, also when cut and resumed', async () => {
    const id = registry.runningRunId;
    const page = await open(admin, `#/runs/${id}`);
    const live = page.getByTestId('live-state');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => live.textContent(), { timeout: 60_000 }).toContain('Stream ended: cancelled');
    const events = await runEvents(server, id);
    expect(Number(await live.getAttribute('data-events'))).toBe(events.length);

    // The first stream is cut after half the events; the page must ask again after the last one it got.
    const resumedAfter: (string | undefined)[] = [];
    let cut = false;
    await page.route(`**/v1/runs/${id}/events*`, async (route) => {
      if (cut) {
        resumedAfter.push((await route.request().allHeaders())['last-event-id']);
        return route.continue();
      }
      cut = true;
      const response = await route.fetch();
      const messages = (await response.text()).split('\n\n').filter((message) => /^id:/m.test(message));
      await route.fulfill({ response, body: `${messages.slice(0, Math.floor(messages.length / 2)).join('\n\n')}\n\n` });
    });
    await page.reload();
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toContain('Stream ended: cancelled');
    expect(Number(await live.getAttribute('data-events'))).toBe(events.length);
    expect(resumedAfter).toEqual([String(events[Math.floor(events.length / 2) - 1]!.id)]);
  });

  it('broke no rule of its Content-Security-Policy on any page', () => {
    expect(cspViolations).toEqual([]);
  });
});

/**
 * 500 accounts listed and drawn in the renderer (DESIGN.md, "Numbers to
 * beat"): the built renderer in Chromium over the real services, its
 * store holding 500 accounts, timed inside the page on each reload.
 */
import { type Page } from 'playwright-core';

import { launchBrowser } from '../test/support/browser';
import { startRendererHarness } from '../test/support/renderer-harness';
import { copyAccountsStore } from './accounts-fixture';
import { type BenchResult, verdictFor } from './report';
import { repeat, summarize } from './stats';

/** Under 100 ms (DESIGN.md, "Numbers to beat"). */
export const RENDERER_LIST_TARGET_MS = 100;

const PLAN = { warmups: 2, runs: 10 };

/** An account card of the list (renderer/src/AccountsScreen.tsx). */
const CARD_SELECTOR = 'ul.cards > li.card';

const DRAWN_TIMEOUT_MS = 30_000;

/** Page times (ms since navigation start) the probe records. */
interface PageMarks {
  /** The `accounts:list` call's answer reached the page. */
  listResolvedAt?: number;
  /** All the cards are in the DOM (React committed them). */
  cardsInDomAt?: number;
  /** The task after the next frame: layout and paint are done. */
  drawnAt?: number;
  cards?: number;
}

/** The page's window once the probe ran. */
type ProbedWindow = Window & { __instalinkBench?: PageMarks };

/**
 * Runs in the page before its scripts, after the harness's bridge. It
 * wraps the exposed binding to see the list call resolve, and watches the
 * DOM for the cards; the message posted from the next animation frame
 * runs once that frame's style, layout and paint are done. A string, so
 * no transpiler helper leaks into the page.
 */
function probeScript(expected: number): string {
  return `(() => {
  const marks = {};
  Object.defineProperty(window, '__instalinkBench', { value: marks });
  const invoke = window.__instalinkInvoke;
  if (typeof invoke === 'function') {
    window.__instalinkInvoke = (channel, payload) => {
      const answer = invoke(channel, payload);
      if (channel === 'accounts:list') {
        answer.then(() => { marks.listResolvedAt ??= performance.now(); });
      }
      return answer;
    };
  }
  const observer = new MutationObserver(() => {
    const cards = document.querySelectorAll(${JSON.stringify(CARD_SELECTOR)});
    if (cards.length < ${expected}) return;
    observer.disconnect();
    marks.cardsInDomAt = performance.now();
    marks.cards = cards.length;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { marks.drawnAt = performance.now(); };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;
}

/** One interval set of one reload, in milliseconds. */
interface DrawSample {
  listToDom: number;
  listToDrawn: number;
  navigationToDrawn: number;
}

/** Opens the renderer over a copy of the store at `storePath`. */
export async function benchRendererList(
  storePath: string,
  expected: number,
): Promise<BenchResult> {
  const browser = await launchBrowser();
  try {
    const app = await startRendererHarness(browser, {
      prepareDataDir: (dataDir) => copyAccountsStore(storePath, dataDir),
    });
    try {
      await app.page.addInitScript(probeScript(expected));
      const samples = await repeat(PLAN, () => drawOnce(app.page, expected));
      return rendererListResult(samples, expected);
    } finally {
      await app.close();
    }
  } finally {
    await browser.close();
  }
}

/** Reloads the window and reads the probe's marks once the list is drawn. */
async function drawOnce(page: Page, expected: number): Promise<DrawSample> {
  await page.reload();
  // Functions, not strings: the page's CSP forbids eval of a string.
  await page.waitForFunction(
    () => (window as ProbedWindow).__instalinkBench?.drawnAt !== undefined,
    undefined,
    { timeout: DRAWN_TIMEOUT_MS, polling: 50 },
  );
  const marks = await page.evaluate(() => ({
    ...(window as ProbedWindow).__instalinkBench,
  }));

  return sampleOf(marks, expected);
}

function sampleOf(marks: PageMarks, expected: number): DrawSample {
  const { listResolvedAt, cardsInDomAt, drawnAt, cards } = marks;
  if (listResolvedAt === undefined) {
    throw new Error('the probe did not see the accounts:list call resolve');
  }
  if (cards !== expected || cardsInDomAt === undefined || !drawnAt) {
    throw new Error(`the page drew ${cards} cards, not ${expected}`);
  }

  return {
    listToDom: cardsInDomAt - listResolvedAt,
    listToDrawn: drawnAt - listResolvedAt,
    navigationToDrawn: drawnAt,
  };
}

function rendererListResult(
  samples: readonly DrawSample[],
  expected: number,
): BenchResult {
  const summary = summarize(samples.map((s) => s.listToDrawn));
  const toDom = summarize(samples.map((s) => s.listToDom));
  const fromNavigation = summarize(samples.map((s) => s.navigationToDrawn));

  return {
    name: `renderer, ${expected} accounts drawn`,
    unit: 'ms',
    summary,
    target: RENDERER_LIST_TARGET_MS,
    verdict: verdictFor(summary.median, RENDERER_LIST_TARGET_MS),
    note:
      'Built renderer in headless Chromium (software rendering) over the ' +
      'real services, timed in the page on each reload: from the moment ' +
      "the page's accounts:list answer resolves until the task after the " +
      `first frame that follows ${expected} cards (${CARD_SELECTOR}) ` +
      'entering the DOM, i.e. React render + commit + style, layout and ' +
      'paint of that frame (avatar images may decode later). Excludes the ' +
      "main process's list and the IPC transport (here Playwright's " +
      `binding). Until in DOM: median ${toDom.median.toFixed(2)} ms. From ` +
      `navigation start: median ${fromNavigation.median.toFixed(2)} ms.`,
    details: { listToDom: toDom, navigationToDrawn: fromNavigation },
  };
}

/**
 * The app's own work in a connect flow (DESIGN.md, "Numbers to beat"):
 * from the browser's GET of the redirect to the account saved and the
 * renderer told. Real services, the sandbox on loopback, the real event
 * forwarder; only the renderer is replaced by the sender callback.
 */
import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { silentLogger } from '../electron/core/logger';
import { type FlowProgress } from '../electron/core/types';
import { type EventSender, forwardServiceEvents } from '../electron/ipc/events';
import { type Harness, startHarness } from '../test/support/instalink-harness';
import { type BenchResult, verdictFor } from './report';
import { cpuMeter, repeat, summarize } from './stats';

/** Well under 20 ms at the median (DESIGN.md, "Numbers to beat"). */
export const CONNECT_TARGET_MS = 20;

const PLAN = { warmups: 5, runs: 40 };

/** A stuck run fails the measurement instead of waiting five minutes. */
const FLOW_TIMEOUT_MS = 10_000;

/** When, on the monotonic clock, the renderer heard of each step. */
interface FlowMarks {
  /** The loopback server accepted the callback (`exchanging` reported). */
  callbackAcceptedAt?: number;
  /** The accounts list reached the sender: saved and told. */
  accountsToldAt?: number;
  /** This process's CPU time from the GET sent to the renderer told. */
  cpuMs?: number;
}

/** One run's two intervals, in milliseconds. */
interface ConnectSample {
  fromRequest: number;
  fromAcceptance: number;
  cpu: number;
}

/** Runs the connect flow again and again and times the app's share. */
export async function benchConnectFlow(): Promise<BenchResult> {
  const harness = await startHarness({ flowTimeoutMs: FLOW_TIMEOUT_MS });
  const recorder = markRecorder();
  const stopEvents = forwardServiceEvents(
    harness.services,
    recorder.send,
    silentLogger,
  );
  const dispatcher = new Agent();

  try {
    const samples = await repeat(PLAN, () =>
      connectOnce(harness, recorder, dispatcher),
    );
    return connectResult(samples);
  } finally {
    stopEvents();
    await dispatcher.close();
    await harness.close();
  }
}

/**
 * Records the moments the renderer would be told of. `arm` starts a new
 * run (and its CPU meter) and resolves once the accounts list was sent.
 */
function markRecorder() {
  let marks: FlowMarks = {};
  let cpu = cpuMeter();
  let onTold: (() => void) | undefined;

  const send: EventSender = (event, payload) => {
    const at = performance.now();
    if (event === 'connect:progress-changed') {
      const { phase } = payload as FlowProgress;
      if (phase === 'exchanging') marks.callbackAcceptedAt ??= at;
    } else if (event === 'accounts:changed') {
      marks.accountsToldAt ??= at;
      marks.cpuMs ??= cpu();
      onTold?.();
    }
  };
  const arm = (): Promise<FlowMarks> => {
    const current: FlowMarks = {};
    marks = current;
    cpu = cpuMeter();
    return new Promise((resolve) => {
      onTold = () => resolve(current);
    });
  };

  return { send, arm };
}

/**
 * One flow: Connect, the consent page answered over HTTP (not timed),
 * then the timed GET of the redirect to the loopback server.
 */
async function connectOnce(
  harness: Harness,
  recorder: ReturnType<typeof markRecorder>,
  dispatcher: Agent,
): Promise<ConnectSample> {
  const opened = harness.nextOpened();
  const outcome = harness.services.startConnect();
  const authorizeUrl = await opened;
  const sandbox = harness.services.sandbox();
  if (!sandbox) throw new Error('the sandbox is not running');
  const redirect = await sandbox.answerConsent(authorizeUrl);

  const told = recorder.arm();
  const sentAt = performance.now();
  const response = await request(redirect, { dispatcher });
  await response.body.text();

  const { kind } = await outcome;
  if (kind !== 'linked') throw new Error(`a connect flow ended as ${kind}`);
  return sampleOf(await told, sentAt);
}

function sampleOf(marks: FlowMarks, sentAt: number): ConnectSample {
  const { callbackAcceptedAt, accountsToldAt, cpuMs } = marks;
  if (callbackAcceptedAt === undefined || accountsToldAt === undefined) {
    throw new Error('the renderer was not told of every step of the flow');
  }

  return {
    fromRequest: accountsToldAt - sentAt,
    fromAcceptance: accountsToldAt - callbackAcceptedAt,
    cpu: cpuMs ?? Number.NaN,
  };
}

function connectResult(samples: readonly ConnectSample[]): BenchResult {
  const summary = summarize(samples.map((s) => s.fromRequest));
  const afterAcceptance = summarize(samples.map((s) => s.fromAcceptance));
  const cpu = summarize(samples.map((s) => s.cpu));

  return {
    name: 'connect flow, app work',
    unit: 'ms',
    summary,
    target: CONNECT_TARGET_MS,
    verdict: verdictFor(summary.median, CONNECT_TARGET_MS),
    note:
      'From sending the GET of the redirect to the loopback server ' +
      '(undici) until the accounts-changed event reaches the sender of ' +
      'forwardServiceEvents. Includes the loopback round trips to the ' +
      'sandbox (code exchange, long-lived exchange, /me, avatar) and the ' +
      'store write. From the callback accepted to the renderer told: ' +
      `median ${afterAcceptance.median.toFixed(2)} ms, p95 ` +
      `${afterAcceptance.p95.toFixed(2)} ms. Process CPU time over the ` +
      `interval (app, in-process sandbox and the GET's client): median ` +
      `${cpu.median.toFixed(2)} ms. The harness's store holds this one ` +
      'account, re-linked in place each run.',
    details: { fromCallbackAccepted: afterAcceptance, processCpuMs: cpu },
  };
}

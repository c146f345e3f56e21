import { describe, expect, it } from 'vitest';

import { createBridge } from '../../electron/ipc/bridge';
import { type InstalinkBridge } from '../../electron/ipc/contract';

function recordingBridge(answer: () => Promise<unknown>) {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const bridge = createBridge(
    (channel, payload) => {
      invoked.push([channel, payload]);
      return answer();
    },
    (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
  );

  return { bridge, invoked, listeners };
}

describe('createBridge', () => {
  it('passes a contract channel and its payload to invoke', async () => {
    const answer = { ok: true, value: true };
    const { bridge, invoked } = recordingBridge(async () => answer);

    const result = await bridge.invoke('accounts:disconnect', { userId: '1' });

    expect(invoked).toEqual([['accounts:disconnect', { userId: '1' }]]);
    expect(result).toEqual(answer);
  });

  it('refuses a channel the contract does not name without sending it', async () => {
    const { bridge, invoked } = recordingBridge(async () => ({ ok: true }));
    const loose = bridge as unknown as {
      invoke: (channel: string, payload: unknown) => Promise<unknown>;
    };

    const result = await loose.invoke('toString', {});

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(invoked).toEqual([]);
  });

  it('turns a rejected invoke into an ipc-failed result', async () => {
    const { bridge } = recordingBridge(async () => {
      throw new Error('No handler registered');
    });

    const result = await bridge.invoke('accounts:list', {});

    expect(result).toMatchObject({ ok: false, error: { code: 'ipc-failed' } });
  });

  it('turns an answer that is not a result into ipc-failed', async () => {
    const { bridge } = recordingBridge(async () => 'not a result');

    const result = await bridge.invoke('accounts:list', {});

    expect(result).toMatchObject({ ok: false, error: { code: 'ipc-failed' } });
  });

  it('delivers events to a listener until it unsubscribes', () => {
    const { bridge, listeners } = recordingBridge(async () => undefined);
    const received: unknown[] = [];

    const stop = bridge.on('connect:progress-changed', (p) => received.push(p));
    listeners.get('connect:progress-changed')?.({ phase: 'waiting' });
    stop();

    expect(received).toEqual([{ phase: 'waiting' }]);
    expect(listeners.size).toBe(0);
  });

  it('ignores a subscription to an event the contract does not name', () => {
    const { bridge, listeners } = recordingBridge(async () => undefined);
    const loose = bridge as unknown as InstalinkBridge & {
      on: (event: string, listener: () => void) => () => void;
    };

    loose.on('some:internal-channel', () => undefined);

    expect(listeners.size).toBe(0);
  });
});

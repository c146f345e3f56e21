import { describe, expect, it } from 'vitest';

import {
  EVENT_CHANNELS,
  eventSchemas,
  INVOKE_CHANNELS,
  invokeSchemas,
  isEventChannel,
  isInvokeChannel,
  MAX_PASTE_LENGTH,
} from '../../electron/ipc/contract';
import { MAX_PASTE_LENGTH as RENDERER_MAX_PASTE } from '../../renderer/src/limits';

describe('the IPC contract', () => {
  it('gives every channel a distinct name', () => {
    const names = [
      ...Object.values(INVOKE_CHANNELS),
      ...Object.values(EVENT_CHANNELS),
    ];

    expect(new Set(names).size).toBe(names.length);
  });

  it('has payload and result schemas for every invoke channel', () => {
    expect(Object.keys(invokeSchemas).sort()).toEqual(
      Object.values(INVOKE_CHANNELS).sort(),
    );
    expect(Object.keys(eventSchemas).sort()).toEqual(
      Object.values(EVENT_CHANNELS).sort(),
    );
  });

  it('does not take inherited property names for channels', () => {
    const inherited = [
      'toString',
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ];

    expect(inherited.filter(isInvokeChannel)).toEqual([]);
    expect(inherited.filter(isEventChannel)).toEqual([]);
  });

  it('bounds the paste field in the renderer as the contract does', () => {
    expect(RENDERER_MAX_PASTE).toBe(MAX_PASTE_LENGTH);
  });

  it('takes only decimal strings as Instagram user ids', () => {
    const userIds = ['17841400000000001', '../17841400000000001', '1e21', ''];
    const schema = invokeSchemas['accounts:refresh'].payload;

    const accepted = userIds.filter(
      (userId) => schema.safeParse({ userId }).success,
    );

    expect(accepted).toEqual(['17841400000000001']);
  });
});

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  GATEWAY_502_HTML,
  GRAPH_ERROR_190_JSON,
  OAUTH_ERROR_JSON,
} from '../../electron/sandbox/canned-responses';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

describe("the sandbox's canned failure bodies", () => {
  it('match gateway-502.html byte for byte', () => {
    expect(GATEWAY_502_HTML).toBe(fixture('gateway-502.html'));
  });

  it('match graph-error-190.json byte for byte', () => {
    expect(GRAPH_ERROR_190_JSON).toBe(fixture('graph-error-190.json'));
  });

  it('match oauth-error.json byte for byte', () => {
    expect(OAUTH_ERROR_JSON).toBe(fixture('oauth-error.json'));
  });
});

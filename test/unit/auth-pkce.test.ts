import { describe, expect, it } from 'vitest';

import {
  codeChallengeS256,
  createCodeVerifier,
  createFlowSecrets,
  createState,
} from '../../electron/auth/pkce';

describe('PKCE and state', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

    expect(codeChallengeS256(verifier)).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 to 128 unreserved characters', () => {
    const verifier = createCodeVerifier();

    expect(verifier.length).toBeGreaterThanOrEqual(43);
    expect(verifier.length).toBeLessThanOrEqual(128);
    expect(verifier).toMatch(/^[A-Za-z0-9._~-]+$/);
  });

  it('makes a different state every time, of at least 256 bits', () => {
    const states = new Set(Array.from({ length: 1000 }, createState));

    expect(states.size).toBe(1000);
    expect(Buffer.from(createState(), 'base64url').length).toBe(32);
  });

  it('pairs each flow verifier with its own challenge', () => {
    const secrets = createFlowSecrets();

    expect(secrets.codeChallenge).toBe(codeChallengeS256(secrets.codeVerifier));
  });
});

import { describe, expect, it } from 'vitest';

import {
  secretsMatch,
  verifierMatchesChallenge,
} from '../../electron/sandbox/secrets';

// RFC 7636, Appendix B: the worked S256 example.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('verifierMatchesChallenge', () => {
  it("accepts RFC 7636's example verifier for its challenge", () => {
    expect(verifierMatchesChallenge(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true);
  });

  it('refuses a verifier that differs by one character', () => {
    const other = `${RFC_VERIFIER.slice(0, -1)}j`;

    expect(verifierMatchesChallenge(other, RFC_CHALLENGE)).toBe(false);
  });

  it('refuses the challenge itself sent as the verifier', () => {
    expect(verifierMatchesChallenge(RFC_CHALLENGE, RFC_CHALLENGE)).toBe(false);
  });

  it('refuses a verifier shorter than 43 characters', () => {
    expect(verifierMatchesChallenge('short', RFC_CHALLENGE)).toBe(false);
  });
});

describe('secretsMatch', () => {
  it('matches equal secrets', () => {
    expect(secretsMatch('sandbox-app-secret', 'sandbox-app-secret')).toBe(true);
  });

  it('refuses secrets of different lengths', () => {
    expect(secretsMatch('sandbox', 'sandbox-app-secret')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';

import {
  parsePastedRedirect,
  PasteNotRecognisedError,
} from '../../electron/auth/callback-params';
import {
  loopbackCallbackUrl,
  redirectUriFor,
} from '../../electron/auth/redirect-uri';

describe('pasted redirects', () => {
  it('reads the code of a pasted URL that ends in #_', () => {
    const pasted = 'http://127.0.0.1:53682/callback?code=AQB1x&state=S1#_';

    expect(parsePastedRedirect(pasted)).toEqual({
      kind: 'redirect',
      params: expect.objectContaining({ code: 'AQB1x', state: 'S1' }),
    });
  });

  it('reads a bare code, trimming white space and the #_ suffix', () => {
    const code = 'AQBx9c2V3eF8kLm0pQrStUvWxYz';

    expect(parsePastedRedirect(`  ${code}#_\n`)).toEqual({
      kind: 'code',
      code,
    });
  });

  it('reads a refusal from a pasted URL', () => {
    const pasted =
      'https://relay.example/cb?error=access_denied' +
      '&error_reason=user_denied&state=S2';

    expect(parsePastedRedirect(pasted)).toEqual({
      kind: 'redirect',
      params: expect.objectContaining({
        error: 'access_denied',
        errorReason: 'user_denied',
        state: 'S2',
      }),
    });
  });

  it('refuses text that is neither a redirect nor a code', () => {
    expect(() => parsePastedRedirect('hello world')).toThrow(
      PasteNotRecognisedError,
    );
    expect(() => parsePastedRedirect('https://x.test/?foo=1')).toThrow(
      PasteNotRecognisedError,
    );
  });

  it('does not take a short word for a code', () => {
    for (const word of ['hello', 'sandbox_shop', 'password1']) {
      expect(() => parsePastedRedirect(word)).toThrow(PasteNotRecognisedError);
    }
  });
});

describe('redirect URI', () => {
  it('uses the literal 127.0.0.1, never localhost', () => {
    const uri = redirectUriFor({
      redirectMode: 'loopback',
      relayUrl: '',
      port: 53682,
    });

    expect(uri).toBe('http://127.0.0.1:53682/callback');
    expect(uri).toBe(loopbackCallbackUrl(53682));
  });

  it('gives the relay page, byte for byte, in relay mode', () => {
    const relayUrl = 'https://me.example/instalink/callback/';

    expect(
      redirectUriFor({ redirectMode: 'relay', relayUrl, port: 53682 }),
    ).toBe(relayUrl);
  });
});

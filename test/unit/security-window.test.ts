import { describe, expect, it } from 'vitest';

import {
  APP_ENTRY_URL,
  RENDERER_CSP,
  resolveAppFile,
} from '../../electron/security/app-protocol';
import {
  isAllowedAuthorizeUrl,
  isAllowedExternalUrl,
} from '../../electron/security/external-links';
import { mainWindowOptions } from '../../electron/security/window-options';

const RENDERER_DIR = '/opt/instalink/renderer';

describe('the main window options', () => {
  const { webPreferences } = mainWindowOptions('/opt/instalink/preload.cjs');

  it('isolates the renderer: context isolation, sandbox, no Node', () => {
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and experimental features off', () => {
    expect(webPreferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });
});

describe('the renderer CSP', () => {
  it('starts from nothing and allows only the app scripts and styles', () => {
    expect(RENDERER_CSP).toMatch(/^default-src 'none'/);
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).toContain("style-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe');
  });
});

describe('the app protocol', () => {
  it('serves the entry page from the renderer folder', () => {
    expect(resolveAppFile(APP_ENTRY_URL, RENDERER_DIR)).toEqual({
      ok: true,
      filePath: `${RENDERER_DIR}/index.html`,
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('refuses paths that climb out of the renderer folder', () => {
    const urls = [
      'app://instalink/../../etc/passwd',
      'app://instalink/%2e%2e/%2e%2e/etc/passwd',
      'app://instalink/assets/..%2f..%2f..%2fetc/passwd.js',
    ];

    for (const url of urls) {
      expect(resolveAppFile(url, RENDERER_DIR).ok).toBe(false);
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppFile('app://evil/index.html', RENDERER_DIR)).toEqual({
      ok: false,
      status: 403,
    });
    expect(resolveAppFile('file:///etc/passwd', RENDERER_DIR).ok).toBe(false);
  });

  it('refuses file types the renderer does not ship', () => {
    expect(resolveAppFile('app://instalink/x.exe', RENDERER_DIR)).toEqual({
      ok: false,
      status: 404,
    });
  });
});

describe('external links', () => {
  it('opens https pages of Instagram and Meta', () => {
    expect(isAllowedExternalUrl('https://www.instagram.com/accounts/')).toBe(
      true,
    );
    expect(isAllowedExternalUrl('https://developers.facebook.com/apps')).toBe(
      true,
    );
  });

  it('refuses other schemes, hosts and look-alikes', () => {
    const refused = [
      'http://www.instagram.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://www.instagram.com.evil.test/',
      'https://evil.test/?https://www.instagram.com',
      'https://user@www.instagram.com/',
      'https://www.instagram.com:8443/',
      'not a url',
    ];

    for (const url of refused) expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('opens the running sandbox authorize page and nothing else of it', () => {
    const sandbox = 'http://127.0.0.1:40123';

    expect(
      isAllowedAuthorizeUrl(`${sandbox}/oauth/authorize?client_id=1`, sandbox),
    ).toBe(true);
    expect(isAllowedAuthorizeUrl(`${sandbox}/other`, sandbox)).toBe(false);
    expect(
      isAllowedAuthorizeUrl('http://127.0.0.1:1/oauth/authorize?', sandbox),
    ).toBe(false);
  });
});

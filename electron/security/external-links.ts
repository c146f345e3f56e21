/**
 * Hosts the app may open in the system browser: Instagram's and Meta's.
 * Anything else, and anything not https, is refused, so a compromised
 * renderer cannot use shell.openExternal to launch other programs
 * (Electron security checklist, item "Do not use openExternal with
 * untrusted content").
 */
export const EXTERNAL_HOSTS: readonly string[] = [
  'www.instagram.com',
  'instagram.com',
  'help.instagram.com',
  'api.instagram.com',
  'developers.facebook.com',
  'www.facebook.com',
  'business.facebook.com',
  'accountscenter.instagram.com',
];

/** True when `url` is https on one of EXTERNAL_HOSTS. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }

  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_HOSTS.includes(parsed.hostname)
  );
}

/**
 * True for the authorize pages the connect flow itself opens: Instagram's,
 * or the running sandbox's on loopback (whose base URL the caller knows).
 */
export function isAllowedAuthorizeUrl(
  url: string,
  sandboxBaseUrl: string | undefined,
): boolean {
  if (isAllowedExternalUrl(url)) return true;
  if (!sandboxBaseUrl) return false;

  return url.startsWith(`${sandboxBaseUrl}/oauth/authorize?`);
}

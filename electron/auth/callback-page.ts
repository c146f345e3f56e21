import { createHash } from 'node:crypto';

/** What the browser tab shows after the redirect comes back. */
export interface CallbackPage {
  status: number;
  title: string;
  message: string;
}

// Inline CSS is allowed by its hash alone, so the page loads nothing from
// anywhere and runs no script (DESIGN.md, "Behaviours users expect").
const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;' +
  'place-items:center;min-height:100vh;color:#1c1e21;background:#f5f6f7}' +
  'main{max-width:32rem;padding:2rem;text-align:center}' +
  '@media (prefers-color-scheme:dark){body{color:#e4e6eb;' +
  'background:#18191a}}';

const STYLE_HASH = createHash('sha256').update(PAGE_STYLE).digest('base64');

/** Headers for every loopback response: no referrer, no caching, no sniff. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; ` +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The complete HTML document for a page; every value is escaped. */
export function renderCallbackPage(page: CallbackPage): string {
  const title = escapeHtml(page.title);
  const message = escapeHtml(page.message);

  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="referrer" content="no-referrer">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${title} · Instalink</title><style>${PAGE_STYLE}</style>` +
    `</head><body><main><h1>${title}</h1><p>${message}</p></main>` +
    '</body></html>'
  );
}

const CLOSE_HINT = 'You can close this window and return to Instalink.';

/** Pages for the loopback server's own answers. */
export const LOOPBACK_PAGES = {
  notFound: {
    status: 404,
    title: 'Not found',
    message: 'Instalink only answers the sign-in callback here.',
  },
  methodNotAllowed: {
    status: 405,
    title: 'Not allowed',
    message: 'Instalink only answers GET requests here.',
  },
  unknownState: {
    status: 400,
    title: 'Sign-in not recognised',
    message:
      'This link does not belong to the sign-in Instalink is waiting for. ' +
      'Start again from the app.',
  },
  failed: {
    status: 500,
    title: 'Something went wrong',
    message: 'Instalink could not finish the sign-in. Look in the app.',
  },
  alreadyDone: {
    status: 400,
    title: 'Already done',
    message: `This sign-in was already completed. ${CLOSE_HINT}`,
  },
} satisfies Record<string, CallbackPage>;

/** The page for a flow's final outcome, shown in the browser tab. */
export function outcomePage(linked: boolean, message: string): CallbackPage {
  return {
    status: linked ? 200 : 400,
    title: linked ? 'Account linked' : 'Not linked',
    message: `${message} ${CLOSE_HINT}`,
  };
}

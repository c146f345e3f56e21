import { createHash } from 'node:crypto';
import { type ServerResponse } from 'node:http';

import { type ConsentDetails } from './consents';
import { type SandboxUser } from './users';

const PAGE_STYLE = [
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fafafa;',
  'color:#1c1c1c}',
  'main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;',
  'border:1px solid #dbdbdb;border-radius:8px}',
  'h1{font-size:1.3rem}',
  '.badge{font-size:.85rem;color:#4a4a4a}',
  'fieldset{border:1px solid #dbdbdb;border-radius:6px;margin:1rem 0}',
  'label{display:flex;gap:.5rem;align-items:center;margin:.35rem 0}',
  'img{border-radius:50%}',
  'dl{font-size:.9rem}dd{margin:0 0 .5rem;overflow-wrap:anywhere}',
  '.actions{display:flex;gap:1rem;justify-content:flex-end}',
  'button{font:inherit;padding:.5rem 1.5rem;border-radius:6px;',
  'border:1px solid #8e8e8e;background:#fff;color:#1c1c1c}',
  'button.primary{background:#0058b0;border-color:#0058b0;color:#fff}',
].join('');

// The one stylesheet is allowed by its hash, so the policy needs neither
// 'unsafe-inline' nor a file (CSP Level 3, section 8.4 "hash-source").
const STYLE_HASH = createHash('sha256').update(PAGE_STYLE).digest('base64');

/** What people read next to each of Instagram's permission names. */
const SCOPE_LABELS: Record<string, string> = {
  instagram_business_basic: 'See your profile and media',
  instagram_business_content_publish: 'Publish posts, reels and stories',
  instagram_business_manage_messages: 'Read and send direct messages',
  instagram_business_manage_comments: 'Read, reply to and hide comments',
  instagram_business_manage_insights: 'See insights about your account',
};

const ACCOUNT_TYPE_LABELS: Record<SandboxUser['accountType'], string> = {
  BUSINESS: 'Business',
  MEDIA_CREATOR: 'Creator',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** What the consent page shows and where its form may lead. */
export interface ConsentPageInput {
  consentId: string;
  appId: string;
  request: ConsentDetails;
  users: readonly SandboxUser[];
}

/** The consent page: accounts, ticked scopes, Allow and Deny. */
export function renderConsentPage(input: ConsentPageInput): string {
  const { consentId, appId, request, users } = input;

  return htmlDocument(
    'Instagram sandbox: allow access?',
    `<p class="badge">Instalink sandbox: an offline stand-in for Instagram. ` +
      `Nothing leaves this computer.</p>` +
      `<h1>Allow app ${escapeHtml(appId)} to use your Instagram account?</h1>` +
      `<form method="post" action="/oauth/authorize">` +
      `<input type="hidden" name="consent" value="${escapeHtml(consentId)}">` +
      accountChoice(users) +
      scopeChoice(request.scopes) +
      requestDetails(request) +
      `<div class="actions">` +
      `<button type="submit" name="decision" value="allow" class="primary">` +
      `Allow</button>` +
      `<button type="submit" name="decision" value="deny">Deny</button>` +
      `</div></form>`,
  );
}

function accountChoice(users: readonly SandboxUser[]): string {
  const radios = users.map(
    (user, index) =>
      `<label><input type="radio" name="account" ` +
      `value="${escapeHtml(user.userId)}"${index === 0 ? ' checked' : ''}>` +
      `<img src="/avatars/${escapeHtml(user.userId)}.png" alt="" ` +
      `width="24" height="24">` +
      `${escapeHtml(user.name)} (@${escapeHtml(user.username)}, ` +
      `${ACCOUNT_TYPE_LABELS[user.accountType]})</label>`,
  );

  return `<fieldset><legend>Continue as</legend>${radios.join('')}</fieldset>`;
}

function scopeChoice(scopes: readonly string[]): string {
  const boxes = scopes.map(
    (scope) =>
      `<label><input type="checkbox" name="scope" ` +
      `value="${escapeHtml(scope)}" checked>` +
      `${escapeHtml(SCOPE_LABELS[scope] ?? scope)} ` +
      `<code>${escapeHtml(scope)}</code></label>`,
  );

  return `<fieldset><legend>Let the app</legend>${boxes.join('')}</fieldset>`;
}

function requestDetails(request: ConsentDetails): string {
  const details: Array<[string, string]> = [
    ['Redirect URI', request.redirectUri],
    ['State', request.state ?? '(none)'],
    ['PKCE', request.codeChallenge ? 'S256 challenge sent' : 'none'],
    ['Asked to sign in again', request.forceReauth ? 'yes' : 'no'],
  ];
  const rows = details.map(
    ([term, value]) =>
      `<dt>${escapeHtml(term)}</dt><dd><code>${escapeHtml(value)}</code></dd>`,
  );

  return `<h2>Request details</h2><dl>${rows.join('')}</dl>`;
}

/** A page that explains why the request stops here; it never redirects. */
export function renderErrorPage(message: string): string {
  return htmlDocument(
    'Instagram sandbox: request refused',
    `<p class="badge">Instalink sandbox</p>` +
      `<h1>This request cannot go on</h1>` +
      `<p>${escapeHtml(message)}</p>` +
      `<p>Check the app's settings, then start again from the app.</p>`,
  );
}

function htmlDocument(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style>` +
    `</head><body><main>${body}</main></body></html>\n`
  );
}

/**
 * Sends a sandbox page under a policy that loads nothing from elsewhere.
 * `formTargets` are the origins a form may submit to: browsers apply
 * `form-action` to the redirect that follows the POST too (CSP Level 3,
 * section 6.4.2), so the consent page must allow the redirect URI's origin.
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  formTargets: readonly string[] = [],
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pagePolicy(formTargets),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(html);
}

function pagePolicy(formTargets: readonly string[]): string {
  const formAction =
    formTargets.length === 0 ? "'none'" : ["'self'", ...formTargets].join(' ');

  return [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    "img-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

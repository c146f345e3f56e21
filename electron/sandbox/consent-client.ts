import { Agent, request } from 'undici';

import { SandboxUsageError } from './failures';

/** How `answerConsent` fills in the consent page. */
export interface ConsentChoice {
  /** Defaults to `allow`. */
  decision?: 'allow' | 'deny';
  /** Which simulated account; defaults to the first offered. */
  userId?: string;
  /** The scopes left ticked; defaults to all that were asked for. */
  scopes?: readonly string[];
}

/** The consent page did not answer as a consent page should. */
export class SandboxConsentError extends Error {
  override readonly name = 'SandboxConsentError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Plays the user on the consent page over real HTTP, as a browser would:
 * loads the page, submits the form, and returns the redirect's Location
 * (the URL the browser would open next). Failure switches apply.
 */
export async function answerConsent(
  baseUrl: string,
  authorizeUrl: string,
  choice: ConsentChoice = {},
): Promise<string> {
  if (!authorizeUrl.startsWith(`${baseUrl}/oauth/authorize?`)) {
    throw new SandboxUsageError(
      "answerConsent only opens this sandbox's authorize page",
    );
  }

  // Its own connection pool, so a proxy set for the app never sees this.
  const dispatcher = new Agent();

  try {
    const html = await loadConsentPage(authorizeUrl, dispatcher);

    return await submitConsent(baseUrl, consentForm(html, choice), dispatcher);
  } finally {
    await dispatcher.close();
  }
}

async function loadConsentPage(url: string, dispatcher: Agent) {
  const page = await request(url, { dispatcher });
  const html = await page.body.text();

  if (page.statusCode !== 200) {
    throw new SandboxConsentError(
      `The consent page answered HTTP ${page.statusCode}`,
      page.statusCode,
    );
  }

  return html;
}

function consentForm(html: string, choice: ConsentChoice): URLSearchParams {
  const consentId = /name="consent" value="([0-9a-f]+)"/.exec(html)?.[1];
  const firstUser = /name="account" value="([0-9]+)"/.exec(html)?.[1];
  const offered = [...html.matchAll(/name="scope" value="([a-z_]+)"/g)];
  const form = new URLSearchParams({
    consent: consentId ?? '',
    decision: choice.decision ?? 'allow',
    account: choice.userId ?? firstUser ?? '',
  });
  const scopes = choice.scopes ?? offered.map((match) => match[1] ?? '');

  for (const scope of scopes) form.append('scope', scope);
  return form;
}

async function submitConsent(
  baseUrl: string,
  form: URLSearchParams,
  dispatcher: Agent,
): Promise<string> {
  const answer = await request(`${baseUrl}/oauth/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    dispatcher,
  });
  const location = answer.headers.location;

  await answer.body.dump();
  if (answer.statusCode !== 302 || typeof location !== 'string') {
    throw new SandboxConsentError(
      `The consent form answered HTTP ${answer.statusCode}, not a redirect`,
      answer.statusCode,
    );
  }

  return location;
}

/**
 * The Instagram HTTP client: the code exchange, the long-lived exchange,
 * the refresh and `/me` (DESIGN.md, "Instagram facts"), on undici. The
 * endpoints are passed in, so Instagram and the sandbox share this code.
 */
import { type Dispatcher } from 'undici';
import { type z } from 'zod';

import { type Logger } from '../core/logger';
import {
  type InstagramApi,
  type InstagramProfile,
  type LongLivedToken,
  type ProviderEndpoints,
  type ShortLivedToken,
} from '../core/types';
import { fetchAvatarDataUrl } from './avatar';
import { InstagramError, type InstagramOperation } from './errors';
import {
  DEFAULT_INSTAGRAM_TIMEOUTS,
  type HttpAnswer,
  type HttpContext,
  type InstagramTimeouts,
  sendRequest,
} from './http';

export { DEFAULT_INSTAGRAM_TIMEOUTS, type InstagramTimeouts } from './http';
import { createEnvProxyDispatcher, type ProxyEnvironment } from './proxy';
import { type RawResponse, readJsonAnswer } from './responses';
import {
  codeExchangeSchema,
  describeIssues,
  LONG_LIVED_FALLBACK_SECONDS,
  longLivedSchema,
  plausibleExpiresIn,
  profileSchema,
  toLongLivedToken,
} from './schemas';

/** How to build a client. */
export interface InstagramClientOptions {
  /** Instagram's endpoints, or the sandbox's. */
  endpoints: ProviderEndpoints;
  /** The Instagram App ID (`client_id`). */
  appId: string;
  /**
   * Reads the App Secret at the moment an exchange needs it. What it
   * throws (e.g. "not configured") propagates unchanged.
   */
  readAppSecret: () => string;
  /** Per-phase timeouts; `DEFAULT_INSTAGRAM_TIMEOUTS` fills the gaps. */
  timeouts?: Partial<InstagramTimeouts>;
  /**
   * The undici dispatcher to send through. Default: an `EnvHttpProxyAgent`
   * honouring HTTPS_PROXY, HTTP_PROXY and NO_PROXY, owned by the client.
   * A dispatcher passed in brings its own connect timeout.
   */
  dispatcher?: Dispatcher;
  /**
   * Receives request lines (host and path only) and warnings; pass the
   * module's child logger, e.g. `logger.child('instagram')`.
   */
  logger?: Logger;
  /** Default dispatcher only: loopback skips the proxy. Default true. */
  bypassProxyForLoopback?: boolean;
  /** Default dispatcher only: where proxy variables are read. */
  env?: ProxyEnvironment;
}

/** The client, plus `close` for the dispatcher it may own. */
export interface InstagramClient extends InstagramApi {
  /** Closes the default dispatcher; one passed in is left open. */
  close(): Promise<void>;
}

/** The `/me` fields Instalink shows (DESIGN.md, "Instagram facts"). */
export const PROFILE_FIELDS = [
  'user_id',
  'username',
  'name',
  'account_type',
  'profile_picture_url',
  'followers_count',
  'follows_count',
  'media_count',
] as const;

/** Largest JSON answer accepted; Instagram's are a few hundred bytes. */
const MAX_JSON_BYTES = 256 * 1024;

/**
 * Builds the client. Every method but `fetchAvatar` throws an
 * `InstagramError` on failure; `fetchAvatar` returns undefined instead.
 */
export function createInstagramClient(
  options: InstagramClientOptions,
): InstagramClient {
  const timeouts = resolveTimeouts(options.timeouts);
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    createEnvProxyDispatcher(timeouts, {
      bypassProxyForLoopback: options.bypassProxyForLoopback,
      env: options.env,
    });
  const http: HttpContext = {
    dispatcher,
    timeouts,
    logger: options.logger,
  };
  const calls = new InstagramCalls(options, http);

  return {
    exchangeCode: (input) => calls.exchangeCode(input),
    exchangeForLongLived: (token) => calls.exchangeForLongLived(token),
    refreshLongLived: (token) => calls.refreshLongLived(token),
    fetchProfile: (token) => calls.fetchProfile(token),
    fetchAvatar: (url) => fetchAvatarDataUrl(url, http),
    close: async () => {
      if (ownsDispatcher) {
        await dispatcher.close();
      }
    },
  };
}

/** Fills each missing (or not positive) timeout with its default. */
function resolveTimeouts(
  given: Partial<InstagramTimeouts> = {},
): InstagramTimeouts {
  const pick = (name: keyof InstagramTimeouts): number => {
    const value = given[name];
    return value !== undefined && value > 0
      ? value
      : DEFAULT_INSTAGRAM_TIMEOUTS[name];
  };

  return {
    connectMs: pick('connectMs'),
    headersMs: pick('headersMs'),
    bodyMs: pick('bodyMs'),
  };
}

/** One JSON call: where, how, and which values must never be shown. */
interface JsonCall {
  operation: InstagramOperation;
  method: 'GET' | 'POST';
  url: URL;
  form?: URLSearchParams;
  secrets: readonly string[];
}

function toRawResponse(answer: HttpAnswer): RawResponse {
  return {
    status: answer.status,
    contentType: answer.contentType,
    text: answer.body.toString('utf8'),
  };
}

/** The four JSON calls, sharing the send-parse-validate steps. */
class InstagramCalls {
  constructor(
    private readonly options: InstagramClientOptions,
    private readonly http: HttpContext,
  ) {}

  /**
   * POSTs the code to the token endpoint. `redirect_uri` goes out exactly
   * as given: Instagram compares it byte for byte with the authorize
   * request's (RFC 6749 section 4.1.3; case trailing-slash).
   */
  async exchangeCode(input: {
    code: string;
    redirectUri: string;
    codeVerifier?: string;
  }): Promise<ShortLivedToken> {
    const secret = this.options.readAppSecret();
    const form = this.codeExchangeForm(input, secret);

    const call: JsonCall = {
      operation: 'code-exchange',
      method: 'POST',
      url: new URL(this.options.endpoints.tokenUrl),
      form,
      secrets: [secret, input.code, input.codeVerifier ?? ''],
    };
    return this.validate(codeExchangeSchema, await this.json(call), call);
  }

  /** The form fields of the code exchange, in Instagram's names. */
  private codeExchangeForm(
    input: { code: string; redirectUri: string; codeVerifier?: string },
    secret: string,
  ): URLSearchParams {
    const form = new URLSearchParams({
      client_id: this.options.appId,
      client_secret: secret,
      grant_type: 'authorization_code',
      redirect_uri: input.redirectUri,
      code: input.code,
    });
    if (input.codeVerifier !== undefined) {
      // RFC 7636 section 4.5; Instagram ignores it where unsupported.
      form.set('code_verifier', input.codeVerifier);
    }

    return form;
  }

  /** Trades the one-hour token for a 60-day one, at once. */
  async exchangeForLongLived(shortLivedToken: string): Promise<LongLivedToken> {
    const secret = this.options.readAppSecret();
    const url = this.graphUrl('access_token', {
      grant_type: 'ig_exchange_token',
      client_secret: secret,
      access_token: shortLivedToken,
    });

    return this.longLived({
      operation: 'long-lived-exchange',
      method: 'GET',
      url,
      secrets: [secret, shortLivedToken],
    });
  }

  /** Refreshes a long-lived token (at least 24 hours old, not expired). */
  async refreshLongLived(longLivedToken: string): Promise<LongLivedToken> {
    const url = this.graphUrl('refresh_access_token', {
      grant_type: 'ig_refresh_token',
      access_token: longLivedToken,
    });

    return this.longLived({
      operation: 'refresh',
      method: 'GET',
      url,
      secrets: [longLivedToken],
    });
  }

  /**
   * Reads `/me`. The token goes in the query, as Instagram documents it;
   * it never reaches a log line or message (see http.ts, errors.ts).
   */
  async fetchProfile(accessToken: string): Promise<InstagramProfile> {
    const { graphVersion } = this.options.endpoints;
    const url = this.graphUrl(`${graphVersion}/me`, {
      fields: PROFILE_FIELDS.join(','),
      access_token: accessToken,
    });
    const call: JsonCall = {
      operation: 'profile',
      method: 'GET',
      url,
      secrets: [accessToken],
    };

    return this.validate(profileSchema, await this.json(call), call);
  }

  private async longLived(call: JsonCall): Promise<LongLivedToken> {
    const body = this.validate(longLivedSchema, await this.json(call), call);
    const expiresIn = plausibleExpiresIn(body.expires_in);

    if (expiresIn === undefined) {
      this.warnExpiryFallback(call, body.expires_in);
    }

    return toLongLivedToken(body, expiresIn ?? LONG_LIVED_FALLBACK_SECONDS);
  }

  private warnExpiryFallback(call: JsonCall, raw: unknown): void {
    this.http.logger?.warn('expires_in missing or implausible; using default', {
      operation: call.operation,
      received: raw === undefined ? 'missing' : String(raw).slice(0, 24),
      assumedSeconds: LONG_LIVED_FALLBACK_SECONDS,
    });
  }

  private graphUrl(path: string, query: Record<string, string>): URL {
    const base = this.options.endpoints.graphBaseUrl.replace(/\/+$/, '');
    const url = new URL(`${base}/${path}`);
    url.search = new URLSearchParams(query).toString();

    return url;
  }

  private async json(call: JsonCall): Promise<unknown> {
    try {
      const answer = await sendRequest(
        {
          operation: call.operation,
          method: call.method,
          url: call.url,
          form: call.form,
          accept: 'application/json',
          maxBytes: MAX_JSON_BYTES,
        },
        this.http,
      );

      return readJsonAnswer(toRawResponse(answer), call);
    } catch (err) {
      this.logFailure(call, err);
      throw err;
    }
  }

  private validate<T extends z.ZodType>(
    schema: T,
    body: unknown,
    call: JsonCall,
  ): z.output<T> {
    const result = schema.safeParse(body);
    if (result.success) {
      return result.data;
    }

    const error = new InstagramError(
      'invalid-response',
      "Instagram's answer is missing what Instalink needs " +
        `(${describeIssues(result.error)}). Try again; if it keeps ` +
        'happening, a proxy may be changing the answer.',
      { operation: call.operation },
    );
    this.logFailure(call, error);
    throw error;
  }

  private logFailure(call: JsonCall, err: unknown): void {
    if (!(err instanceof InstagramError)) {
      return;
    }

    this.http.logger?.warn('instagram call failed', {
      operation: call.operation,
      kind: err.kind,
      status: err.status,
      code: err.code,
      subcode: err.subcode,
      fbtraceId: err.fbtraceId,
    });
  }
}

import { type Logger } from '../core/logger';
import { MINUTE_MS } from '../core/time';
import {
  type AccountStore,
  type AccountSummary,
  type BrowserOpener,
  type Clock,
  type FlowOutcome,
  type FlowProgress,
  type InstagramApi,
  type ProviderConfig,
} from '../core/types';
import { type AuthorizeOptions, buildAuthorizeUrl } from './authorize-url';
import { outcomePage } from './callback-page';
import { type CallbackParams, parsePastedRedirect } from './callback-params';
import {
  describeDuration,
  outcome,
  OUTCOME_MESSAGES,
  outcomeForCallbackError,
  outcomeForError,
} from './flow-outcomes';
import { type LoopbackServer, startLoopbackServer } from './loopback-server';
import { createFlowSecrets, type FlowSecrets } from './pkce';

/**
 * How long the user has to finish in the browser. Five minutes is long
 * enough for a password manager and two-factor login, short enough that a
 * forgotten flow does not hold the port.
 */
export const DEFAULT_FLOW_TIMEOUT_MS = 5 * MINUTE_MS;

/** The provider and loopback port a flow runs against. */
export interface FlowTarget {
  provider: ProviderConfig;
  port: number;
}

/** The platform pieces and services a connect flow works with. */
export interface ConnectFlowDeps {
  /** Throws `NotConfiguredError` when credentials are missing. */
  resolveTarget: () => FlowTarget | Promise<FlowTarget>;
  createApi: (provider: ProviderConfig) => InstagramApi;
  accounts: AccountStore;
  openBrowser: BrowserOpener;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  /** Throws `SecretStorageRefusedError` when a token could not be kept. */
  assertCanStoreTokens?: () => void;
}

/** Thrown by paste and reopen when no flow is waiting. */
export class NoFlowWaitingError extends Error {
  override readonly name = 'NoFlowWaitingError';

  constructor() {
    super('No connection is waiting. Press Connect first.');
  }
}

/** Thrown when a pasted address belongs to another sign-in. */
export class PastedStateMismatchError extends Error {
  override readonly name = 'PastedStateMismatchError';

  constructor() {
    super(
      'That address belongs to another sign-in, not the one Instalink is ' +
        'waiting for. Copy the address of the page this sign-in ended on.',
    );
  }
}

/**
 * One attempt to link an account: from the authorize URL to a saved
 * account or a clear outcome. It settles exactly once; nothing is saved
 * after it settles, so a cancel or a timeout never leaves half an account.
 */
class RunningFlow {
  private settled?: FlowOutcome;
  private callbackTaken = false;
  private server?: LoopbackServer;
  private timer?: NodeJS.Timeout;
  private secrets?: FlowSecrets;
  private target?: FlowTarget;
  private prepared: Promise<void> = Promise.resolve();
  private resolveOutcome!: (outcome: FlowOutcome) => void;
  private readonly finished = new Promise<FlowOutcome>((resolve) => {
    this.resolveOutcome = resolve;
  });
  authorizeUrl?: string;

  constructor(
    private readonly deps: ConnectFlowDeps,
    private readonly report: (progress: FlowProgress) => void,
  ) {}

  /** Runs the flow; resolves with its outcome. */
  async run(options: AuthorizeOptions): Promise<FlowOutcome> {
    if (this.settled) return this.finished;

    this.prepared = this.prepare(options);

    try {
      await this.prepared;
    } catch (error) {
      this.settle(outcomeForError(error));
      return this.finished;
    }

    if (!this.settled) this.waitInBrowser();
    return this.finished;
  }

  /** Resolves once the flow's loopback server no longer holds the port. */
  async stopped(): Promise<void> {
    await this.prepared.catch(() => undefined);
    await this.server?.close();
  }

  private async prepare(options: AuthorizeOptions): Promise<void> {
    const target = await this.deps.resolveTarget();
    const secrets = createFlowSecrets();

    // Refuse before the browser opens, not after the user has allowed
    // access: nothing could be saved anyway (case keyring-missing).
    this.deps.assertCanStoreTokens?.();

    this.target = target;
    this.secrets = secrets;
    this.authorizeUrl = buildAuthorizeUrl(target.provider, secrets, options);

    // Listen before opening the browser: a taken port ends the flow here,
    // with no browser tab left pointing at nothing (case port-taken).
    const server = await startLoopbackServer({
      port: target.port,
      expectedState: secrets.state,
      onCallback: (params) => this.pageFor(params),
      logger: this.deps.logger,
    });
    this.server = server;
    if (this.settled) await server.close();
  }

  private waitInBrowser(): void {
    const timeoutMs = this.deps.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
    const waited = describeDuration(timeoutMs);

    this.timer = setTimeout(() => {
      this.settle(outcome('timed-out', OUTCOME_MESSAGES.timedOut(waited)));
    }, timeoutMs);

    this.report({
      phase: 'waiting',
      authorizeUrl: this.authorizeUrl,
      deadline: this.deps.clock.now() + timeoutMs,
    });
    void this.openBrowser();
  }

  /** Opens the authorize page; a failure leaves "copy the link" to use. */
  async openBrowser(): Promise<void> {
    if (!this.authorizeUrl) return;

    try {
      await this.deps.openBrowser(this.authorizeUrl);
    } catch (error) {
      this.deps.logger.warn('could not open the browser', {
        error: String(error),
      });
    }
  }

  /** The browser tab waits for the outcome so it can tell the user. */
  private async pageFor(params: CallbackParams) {
    this.accept(params);

    const result = await this.finished;
    return outcomePage(result.kind === 'linked', result.message);
  }

  /**
   * Takes a pasted final URL or code. A pasted address must carry this
   * flow's state, exactly as a callback must; a bare code is typed into
   * the app itself, where no other site can plant it.
   */
  paste(text: string): void {
    const pasted = parsePastedRedirect(text);
    if (this.callbackTaken || this.settled) throw new NoFlowWaitingError();

    if (pasted.kind === 'code') {
      this.accept({ code: pasted.code });
      return;
    }
    if (pasted.params.state !== this.secrets?.state) {
      throw new PastedStateMismatchError();
    }
    this.accept(pasted.params);
  }

  private accept(params: CallbackParams): void {
    if (this.settled || this.callbackTaken) return;

    this.callbackTaken = true;
    clearTimeout(this.timer);
    if (params.error || !params.code) {
      this.settle(
        outcomeForCallbackError(params.error, params.errorDescription),
      );
      return;
    }

    this.report({ phase: 'exchanging', authorizeUrl: this.authorizeUrl });
    this.exchange(params.code).then(
      (account) => this.settleLinked(account),
      (error: unknown) => this.settle(outcomeForError(error)),
    );
  }

  /** Code → short-lived → long-lived → profile → saved account. */
  private async exchange(code: string): Promise<AccountSummary | undefined> {
    const { provider } = this.target!;
    const api = this.deps.createApi(provider);

    const shortLived = await api.exchangeCode({
      code,
      redirectUri: provider.redirectUri,
      codeVerifier: this.secrets!.codeVerifier,
    });
    const longLived = await api.exchangeForLongLived(shortLived.accessToken);
    const issuedAt = this.deps.clock.now();
    const profile = await api.fetchProfile(longLived.accessToken);
    const avatarDataUrl = profile.profilePictureUrl
      ? await api.fetchAvatar(profile.profilePictureUrl)
      : undefined;

    // A cancel or timeout during the exchange wins: save nothing.
    if (this.settled) return undefined;

    const granted = shortLived.permissions;
    return this.deps.accounts.link({
      profile,
      scopes: granted.length > 0 ? granted : [...provider.scopes],
      longLived,
      avatarDataUrl,
      issuedAt,
      // Kept so refreshes go to the provider that issued the token, not
      // to whichever one Settings name later.
      provider: provider.kind,
    });
  }

  private settleLinked(account: AccountSummary | undefined): void {
    if (!account) return;

    const missing = this.target!.provider.scopes.filter(
      (scope) => !account.scopes.includes(scope),
    );
    const note =
      missing.length > 0
        ? ` Instagram did not grant ${missing.join(', ')}; use Reconnect ` +
          'to ask again.'
        : '';
    this.settle({
      kind: 'linked',
      message: `@${account.username} is linked.${note}`,
      account,
    });
  }

  /** Ends the flow once; later calls are ignored. */
  settle(result: FlowOutcome): void {
    if (this.settled) return;

    this.settled = result;
    clearTimeout(this.timer);
    void this.server?.close();
    this.deps.logger.info('flow ended', { outcome: result.kind });
    this.report({ phase: 'done', outcome: result });
    this.resolveOutcome(result);
  }
}

/**
 * Runs connect flows, one at a time: starting a new one cancels the old
 * (DESIGN.md, "Behaviours users expect").
 */
export class ConnectFlows {
  private current?: RunningFlow;
  private progress: FlowProgress = { phase: 'idle' };
  private readonly listeners = new Set<(progress: FlowProgress) => void>();

  constructor(private readonly deps: ConnectFlowDeps) {}

  /** Starts a flow and resolves when it ends, however it ends. */
  async start(options: AuthorizeOptions = {}): Promise<FlowOutcome> {
    const previous = this.current;
    const flow = new RunningFlow(this.deps, (progress) => {
      if (this.current === flow) this.publish(progress);
    });
    this.current = flow;

    // The old flow must let go of the port before the new one listens on
    // it, or a quick second Connect would end as "port taken" by ourselves.
    if (previous) {
      previous.settle(outcome('cancelled', OUTCOME_MESSAGES.superseded));
      await previous.stopped();
    }

    const result = await flow.run(options);
    if (this.current === flow) this.current = undefined;
    return result;
  }

  /** Cancels the waiting flow, if any. */
  cancel(): void {
    this.current?.settle(outcome('cancelled', OUTCOME_MESSAGES.cancelled));
  }

  /** Feeds a pasted final URL (or code) to the waiting flow. */
  paste(text: string): void {
    if (!this.current) throw new NoFlowWaitingError();

    this.current.paste(text);
  }

  /** Opens the waiting flow's authorize page again. */
  async reopen(): Promise<void> {
    if (!this.current?.authorizeUrl) throw new NoFlowWaitingError();

    await this.current.openBrowser();
  }

  /** The latest progress, for a window that opens mid-flow. */
  progressNow(): FlowProgress {
    return this.progress;
  }

  /** Subscribes to progress; returns the unsubscribe function. */
  onProgress(listener: (progress: FlowProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(progress: FlowProgress): void {
    this.progress = progress;
    for (const listener of this.listeners) listener(progress);
  }
}

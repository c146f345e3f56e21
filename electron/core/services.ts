import { ConnectFlows, type FlowTarget } from '../auth/connect-flow';
import { NotConfiguredError } from '../auth/flow-outcomes';
import { redirectUriFor } from '../auth/redirect-uri';
import {
  createInstagramClient,
  type InstagramClient,
  type InstagramTimeouts,
} from '../instagram/client';
import { type Sandbox, startSandbox, type TokenShape } from '../sandbox/server';
import { SecretStorageRefusedError } from '../storage/errors';
import { openInstalinkStorage, type StoreFactory } from '../storage/index';
import { assertSecretStorageAllowed } from '../storage/secret-policy';
import { checkedAppSecret } from '../storage/settings-store';
import { createRefreshScheduler } from '../tokens/refresh-scheduler';
import { type Logger } from './logger';
import {
  type AccountSummary,
  type BrowserOpener,
  type Clock,
  INSTAGRAM_ENDPOINTS,
  type InstalinkServices,
  type ProviderConfig,
  type ProviderEndpoints,
  type ProviderKind,
  type SecretCipher,
  type Settings,
  type SettingsPatch,
  type SettingsStore,
  type SettingsView,
  systemClock,
} from './types';

/** The plain values the main-process services are built from. */
export interface ServicesOptions {
  /** The app's data folder: the store file and the log live here. */
  dataDir: string;
  cipher: SecretCipher;
  openBrowser: BrowserOpener;
  logger: Logger;
  clock?: Clock;
  /** electron-store in the app; plain Conf when left out. */
  createStore?: StoreFactory;
  flowTimeoutMs?: number;
  /** The in-process sandbox's port; any free one when left out. */
  sandboxPort?: number;
  /** The sandbox's code-exchange answer shape; `flat` when left out. */
  sandboxTokenShape?: TokenShape;
  /** Where the Instagram provider points; tests aim it at a local server. */
  instagramEndpoints?: ProviderEndpoints;
  httpTimeouts?: Partial<InstagramTimeouts>;
  /** Refresh tokens on a timer; tests drive passes by hand instead. */
  scheduleRefresh?: boolean;
  random?: () => number;
}

/** What the Electron shell gets beyond the IPC-facing services. */
export interface MainServices extends InstalinkServices {
  /** Runs a refresh pass; the shell calls it when the computer wakes. */
  onSystemResume(): void;
  /** Accounts whose token expires soon and cannot be refreshed. */
  expiringAccounts(): AccountSummary[];
  /**
   * The running sandbox: started when it is the chosen provider, or when
   * an account it linked needed a refresh.
   */
  sandbox(): Sandbox | undefined;
  /** Runs one refresh pass now and waits for it. */
  refreshDue(): Promise<void>;
}

const NOT_CONFIGURED =
  'Enter your Instagram App ID and App Secret in Settings first.';
const NO_RELAY_URL =
  'Enter the address of your relay page in Settings, or switch the ' +
  'redirect mode to loopback.';

/** The services were closed: nothing starts the sandbox any more. */
export class ServicesClosedError extends Error {
  override readonly name = 'ServicesClosedError';

  constructor() {
    super('Instalink is shutting down.');
  }
}

/** What the Instagram client of a provider is built from. */
type ClientTarget = ProviderEndpoints &
  Pick<ProviderConfig, 'kind' | 'appId' | 'readAppSecret'>;

/**
 * Turns the saved settings into the provider a flow uses, and an account's
 * provider into the one its refresh uses.
 */
class ProviderResolver {
  private running?: Sandbox;
  private starting?: Promise<Sandbox>;
  private closed = false;

  constructor(
    private readonly settings: SettingsStore,
    private readonly options: ServicesOptions,
    private readonly clock: Clock,
  ) {}

  /** The sandbox, when it has been started. */
  sandbox(): Sandbox | undefined {
    return this.running;
  }

  /**
   * Starts the in-process sandbox once, on first need. Callers at the same
   * time (a refresh pass runs several) share the one start; a failed start
   * is forgotten so the next need tries again. After `close`, it refuses,
   * so a refresh queued behind the last pass leaves no server running.
   */
  ensureSandbox(): Promise<Sandbox> {
    if (this.closed) return Promise.reject(new ServicesClosedError());

    this.starting ??= startSandbox({
      clock: this.clock,
      port: this.options.sandboxPort,
      tokenShape: this.options.sandboxTokenShape,
      logger: this.options.logger.child('sandbox'),
    }).then(
      (sandbox) => (this.running = sandbox),
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  /**
   * Where an account's refresh goes: the provider that linked it, whatever
   * Settings say now, since only that provider knows its token. A refresh
   * sends the token alone (Instagram, "Refresh a long-lived token"), so
   * no App ID or App Secret is required for it.
   */
  async refreshTarget(kind: ProviderKind): Promise<ClientTarget> {
    if (kind === 'sandbox') return this.sandboxProvider();

    return this.instagramTarget(this.settings.get().appId);
  }

  /** The provider and port of the next flow; throws when unconfigured. */
  async resolveTarget(): Promise<FlowTarget> {
    const current = this.settings.get();
    const redirectUri = redirectUriFor(current);
    if (!redirectUri) throw new NotConfiguredError(NO_RELAY_URL);

    const shared = { scopes: current.scopes, redirectUri };
    const provider =
      current.provider === 'sandbox'
        ? { ...(await this.sandboxProvider()), ...shared }
        : { ...this.instagramProvider(current), ...shared };
    return { provider, port: current.port };
  }

  private async sandboxProvider() {
    const { endpoints, appId, appSecret } = await this.ensureSandbox();

    return {
      ...endpoints,
      kind: 'sandbox' as const,
      appId,
      readAppSecret: () => appSecret,
    };
  }

  private instagramProvider(current: Settings) {
    if (!current.appId || !this.settings.hasAppSecret()) {
      throw new NotConfiguredError(NOT_CONFIGURED);
    }
    // Decrypt once before the browser opens: a secret the keyring can no
    // longer read must stop the flow here, not after the user allowed it.
    this.settings.readAppSecret();

    return this.instagramTarget(current.appId);
  }

  private instagramTarget(appId: string) {
    return {
      ...(this.options.instagramEndpoints ?? INSTAGRAM_ENDPOINTS),
      kind: 'instagram' as const,
      appId,
      readAppSecret: () => this.settings.readAppSecret(),
    };
  }

  /** Stops the sandbox, one still starting included. */
  async close(): Promise<void> {
    this.closed = true;
    const sandbox = await this.starting?.catch(() => undefined);

    await sandbox?.close();
  }
}

/**
 * One Instagram client per provider and app, reused by flows and
 * refreshes, so their proxy-aware connection pools are shared and closed
 * on quit.
 */
class InstagramClients {
  private readonly clients = new Map<string, InstagramClient>();

  constructor(
    private readonly timeouts: Partial<InstagramTimeouts> | undefined,
    private readonly logger: Logger,
  ) {}

  /** The client for a provider, created on first use. */
  clientFor(provider: ClientTarget): InstagramClient {
    const { kind, tokenUrl, graphBaseUrl, appId } = provider;
    const id = [kind, tokenUrl, graphBaseUrl, appId].join(' ');

    let client = this.clients.get(id);
    if (!client) {
      client = createInstagramClient({
        endpoints: provider,
        appId,
        readAppSecret: provider.readAppSecret,
        timeouts: this.timeouts,
        logger: this.logger,
      });
      this.clients.set(id, client);
    }
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}

/** Settings as the window sees and saves them. */
class SettingsFacade {
  constructor(
    private readonly settings: SettingsStore,
    private readonly cipher: SecretCipher,
    private readonly dataDir: string,
  ) {}

  /** The settings, whether a secret is set, and the URI to register. */
  view(): SettingsView {
    const current = this.settings.get();

    return {
      settings: current,
      appSecretSet: this.settings.hasAppSecret(),
      redirectUri: redirectUriFor(current),
      dataDir: this.dataDir,
      secretBackend: this.cipher.backend,
      weakSecretStorage: !this.cipher.isStrong(),
    };
  }

  /** Validates and saves; an empty `appSecret` clears the saved one. */
  save(patch: SettingsPatch): SettingsView {
    const { appSecret, ...rest } = patch;
    const consent =
      rest.allowWeakSecretStorage ?? this.settings.get().allowWeakSecretStorage;

    // Check the secret before writing anything, so a refused or invalid
    // secret never leaves half of a save behind (case keyring-missing).
    if (appSecret) checkedAppSecret(appSecret);
    if (appSecret && !this.cipher.isStrong() && !consent) {
      throw new SecretStorageRefusedError(this.cipher.backend);
    }

    this.settings.update(rest);
    if (appSecret === '') this.settings.clearAppSecret();
    else if (appSecret !== undefined) this.settings.setAppSecret(appSecret);
    return this.view();
  }
}

/**
 * Builds the main-process services from plain values. The Electron shell
 * passes safeStorage, electron-store and shell.openExternal; tests pass a
 * test cipher, Conf and a Playwright page. Nothing here imports electron.
 */
export async function createServices(
  options: ServicesOptions,
): Promise<MainServices> {
  const clock = options.clock ?? systemClock;
  const { logger, cipher, dataDir } = options;
  const storage = openInstalinkStorage({ ...options, clock });
  const { accounts, settings } = storage;

  const providers = new ProviderResolver(settings, options, clock);
  const clients = new InstagramClients(
    options.httpTimeouts,
    logger.child('instagram'),
  );
  const flows = new ConnectFlows({
    resolveTarget: () => providers.resolveTarget(),
    createApi: (provider) => clients.clientFor(provider),
    accounts,
    openBrowser: options.openBrowser,
    clock,
    logger: logger.child('flow'),
    timeoutMs: options.flowTimeoutMs,
    assertCanStoreTokens: () =>
      assertSecretStorageAllowed(cipher, settings.get().allowWeakSecretStorage),
  });
  const scheduler = createRefreshScheduler({
    accounts,
    apiFor: async (account) =>
      clients.clientFor(await providers.refreshTarget(account.provider)),
    clock,
    logger: logger.child('refresh'),
    random: options.random,
  });
  const facade = new SettingsFacade(settings, cipher, dataDir);

  if (options.scheduleRefresh ?? true) scheduler.start();
  // The sandbox runs while it is the chosen provider, so its consent page
  // is ready the moment the user presses Connect.
  if (settings.get().provider === 'sandbox') await providers.ensureSandbox();

  return {
    listAccounts: () => accounts.list(),
    startConnect: (startOptions) => flows.start(startOptions),
    cancelConnect: () => flows.cancel(),
    submitPastedRedirect: (text) => flows.paste(text),
    reopenAuthorizePage: () => flows.reopen(),
    flowProgress: () => flows.progressNow(),
    refreshAccount: (userId) => scheduler.refreshNow(userId),
    disconnect: (userId) => accounts.remove(userId),
    getSettings: () => facade.view(),
    saveSettings: (patch) => facade.save(patch),
    notices: () => storage.notices,
    onAccountsChanged: (listener) => accounts.onChange(listener),
    onFlowProgress: (listener) => flows.onProgress(listener),
    onSystemResume: () => scheduler.onWake(),
    expiringAccounts: () => scheduler.expiring(),
    sandbox: () => providers.sandbox(),
    refreshDue: async () => void (await scheduler.runDue()),
    close: async () => {
      scheduler.stop();
      flows.cancel();
      await clients.closeAll();
      await providers.close();
    },
  };
}

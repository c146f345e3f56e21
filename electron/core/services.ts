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
  type SecretCipher,
  type Settings,
  type SettingsPatch,
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
  /** The running sandbox, when the provider is the sandbox. */
  sandbox(): Sandbox | undefined;
  /** Runs one refresh pass now and waits for it. */
  refreshDue(): Promise<void>;
}

const NOT_CONFIGURED =
  'Enter your Instagram App ID and App Secret in Settings first.';
const NO_RELAY_URL =
  'Enter the address of your relay page in Settings, or switch the ' +
  'redirect mode to loopback.';

/**
 * Builds the main-process services from plain values. The Electron shell
 * passes safeStorage, electron-store and shell.openExternal; tests pass a
 * test cipher, Conf and a Playwright page. Nothing here imports electron.
 */
export async function createServices(
  options: ServicesOptions,
): Promise<MainServices> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const storage = openInstalinkStorage({
    dataDir: options.dataDir,
    cipher: options.cipher,
    clock,
    logger,
    createStore: options.createStore,
  });
  const { accounts, settings } = storage;
  let sandbox: Sandbox | undefined;

  const ensureSandbox = async (): Promise<Sandbox> => {
    sandbox ??= await startSandbox({
      clock,
      port: options.sandboxPort,
      tokenShape: options.sandboxTokenShape,
      logger: logger.child('sandbox'),
    });
    return sandbox;
  };

  const resolveTarget = async (): Promise<FlowTarget> => {
    const current = settings.get();
    const provider = await providerFor(current);

    return { provider, port: current.port };
  };

  const providerFor = async (current: Settings): Promise<ProviderConfig> => {
    const redirectUri = redirectUriFor(current);
    if (!redirectUri) throw new NotConfiguredError(NO_RELAY_URL);

    const common = { scopes: current.scopes, redirectUri };
    if (current.provider === 'sandbox') {
      const running = await ensureSandbox();
      const { appId, appSecret } = running;
      const readAppSecret = () => appSecret;
      return {
        ...running.endpoints,
        ...common,
        kind: 'sandbox',
        appId,
        readAppSecret,
      };
    }

    if (!current.appId || !settings.hasAppSecret()) {
      throw new NotConfiguredError(NOT_CONFIGURED);
    }
    return {
      ...(options.instagramEndpoints ?? INSTAGRAM_ENDPOINTS),
      ...common,
      kind: 'instagram',
      appId: current.appId,
      readAppSecret: () => settings.readAppSecret(),
    };
  };

  // One client per provider and app, reused by flows and refreshes, so
  // their proxy-aware connection pools are shared and closed on quit.
  const clients = new Map<string, InstagramClient>();
  const createApi = (provider: ProviderConfig): InstagramClient => {
    const { kind, tokenUrl, graphBaseUrl, appId } = provider;
    const id = [kind, tokenUrl, graphBaseUrl, appId].join(' ');
    let client = clients.get(id);
    if (!client) {
      client = createInstagramClient({
        endpoints: provider,
        appId: provider.appId,
        readAppSecret: provider.readAppSecret,
        timeouts: options.httpTimeouts,
        logger: logger.child('instagram'),
      });
      clients.set(id, client);
    }
    return client;
  };

  const flows = new ConnectFlows({
    resolveTarget,
    createApi,
    accounts,
    openBrowser: options.openBrowser,
    clock,
    logger: logger.child('flow'),
    timeoutMs: options.flowTimeoutMs,
  });

  // Refreshing needs only the Graph endpoints of whichever provider the
  // accounts were linked with; it is resolved per call so a settings
  // change takes effect without a restart.
  const scheduler = createRefreshScheduler({
    accounts,
    api: {
      refreshLongLived: async (token) =>
        createApi((await resolveTarget()).provider).refreshLongLived(token),
    },
    clock,
    logger: logger.child('refresh'),
    random: options.random,
  });
  if (options.scheduleRefresh ?? true) scheduler.start();

  // The sandbox runs while it is the chosen provider, so its consent page
  // is ready the moment the user presses Connect.
  if (settings.get().provider === 'sandbox') await ensureSandbox();

  const settingsView = (): SettingsView => {
    const current = settings.get();
    return {
      settings: current,
      appSecretSet: settings.hasAppSecret(),
      redirectUri: redirectUriFor(current),
      dataDir: options.dataDir,
      secretBackend: options.cipher.backend,
      weakSecretStorage: !options.cipher.isStrong(),
    };
  };

  const saveSettings = (patch: SettingsPatch): SettingsView => {
    const { appSecret, ...rest } = patch;
    const consent =
      rest.allowWeakSecretStorage ?? settings.get().allowWeakSecretStorage;

    // Refuse before writing anything, so a refused secret never leaves
    // half of a save behind (keyring-missing case).
    if (appSecret && !options.cipher.isStrong() && !consent) {
      throw new SecretStorageRefusedError(options.cipher.backend);
    }
    settings.update(rest);
    if (appSecret !== undefined) {
      if (appSecret === '') settings.clearAppSecret();
      else settings.setAppSecret(appSecret);
    }
    return settingsView();
  };

  return {
    listAccounts: () => accounts.list(),
    startConnect: (startOptions) => flows.start(startOptions),
    cancelConnect: () => flows.cancel(),
    submitPastedRedirect: (text) => flows.paste(text),
    reopenAuthorizePage: () => flows.reopen(),
    flowProgress: () => flows.progressNow(),
    refreshAccount: (userId) => scheduler.refreshNow(userId),
    disconnect: (userId) => accounts.remove(userId),
    getSettings: settingsView,
    saveSettings,
    notices: () => storage.notices,
    onAccountsChanged: (listener) => accounts.onChange(listener),
    onFlowProgress: (listener) => flows.onProgress(listener),
    onSystemResume: () => scheduler.onWake(),
    expiringAccounts: () => scheduler.expiring(),
    sandbox: () => sandbox,
    refreshDue: async () => {
      await scheduler.runDue();
    },
    close: async () => {
      scheduler.stop();
      flows.cancel();
      await Promise.all([...clients.values()].map((c) => c.close()));
      await sandbox?.close();
    },
  };
}

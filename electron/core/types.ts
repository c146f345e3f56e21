/**
 * The seams between Instalink's plain modules and the platform. Every one
 * is a value passed in, never a global, so that the Electron shell, the
 * tests and the benchmark wire the same code with different parts.
 */

/** Milliseconds since the epoch; the sandbox and tests move it by hand. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Encrypts secrets before they touch the disk: Electron's safeStorage in
 * the app, a reversible test cipher in tests. Ciphertext is base64 text so
 * it fits a JSON store.
 */
export interface SecretCipher {
  /** Which backend protects the secrets, e.g. `gnome_libsecret`. */
  readonly backend: string;
  /**
   * False when encryption is unavailable, or only obfuscation: Electron
   * reports `basic_text` on Linux without a keyring.
   */
  isStrong(): boolean;
  encrypt(plain: string): string;
  /** Throws when the ciphertext cannot be read back (other key, damage). */
  decrypt(cipherText: string): string;
}

/** Opens a URL in the system browser (shell.openExternal in the app). */
export type BrowserOpener = (url: string) => Promise<void>;

/** Where an Instagram-compatible server lives: Instagram or the sandbox. */
export interface ProviderEndpoints {
  /** `https://www.instagram.com/oauth/authorize` for Instagram. */
  authorizeUrl: string;
  /** `https://api.instagram.com/oauth/access_token` for Instagram. */
  tokenUrl: string;
  /** `https://graph.instagram.com` for Instagram; no trailing slash. */
  graphBaseUrl: string;
  /** Graph API version segment for `/me`, e.g. `v23.0`. */
  graphVersion: string;
}

/** Which provider the app talks to. */
export type ProviderKind = 'instagram' | 'sandbox';

/**
 * Everything a login flow needs to know about the Meta app: endpoints,
 * credentials and what to ask for. The App Secret is read through a
 * function so it is decrypted only at the moment of an exchange.
 */
export interface ProviderConfig extends ProviderEndpoints {
  kind: ProviderKind;
  appId: string;
  readAppSecret: () => string;
  scopes: readonly string[];
  /** Byte-identical in authorize and exchange (see redirect-uri.ts). */
  redirectUri: string;
}

/** Instagram's permission names for professional accounts. */
export const INSTAGRAM_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_messages',
  'instagram_business_manage_comments',
  'instagram_business_manage_insights',
] as const;

/** One of Instagram's permission names. */
export type InstagramScope = (typeof INSTAGRAM_SCOPES)[number];

/** Instagram's production endpoints (DESIGN.md, "Instagram facts"). */
export const INSTAGRAM_ENDPOINTS: ProviderEndpoints = {
  authorizeUrl: 'https://www.instagram.com/oauth/authorize',
  tokenUrl: 'https://api.instagram.com/oauth/access_token',
  graphBaseUrl: 'https://graph.instagram.com',
  graphVersion: 'v23.0',
};

/** A short-lived token from the code exchange; valid one hour. */
export interface ShortLivedToken {
  accessToken: string;
  /** Instagram ids exceed 2^53: always a string, parsed losslessly. */
  userId: string;
  /** Granted scopes; empty when the response did not say. */
  permissions: string[];
}

/** A long-lived token from the exchange or a refresh; about 60 days. */
export interface LongLivedToken {
  accessToken: string;
  tokenType: string;
  /** Seconds of validity as Instagram reported it (or a safe default). */
  expiresInSeconds: number;
}

/** The fields of `/me` Instalink shows. Ids are strings. */
export interface InstagramProfile {
  userId: string;
  username: string;
  name?: string;
  accountType?: string;
  profilePictureUrl?: string;
  followersCount?: number;
  followsCount?: number;
  mediaCount?: number;
}

/**
 * The Instagram HTTP client as the rest of the app sees it. Every method
 * throws `InstagramError` (instagram/errors.ts) on any failure.
 */
export interface InstagramApi {
  exchangeCode(input: {
    code: string;
    redirectUri: string;
    codeVerifier?: string;
  }): Promise<ShortLivedToken>;
  exchangeForLongLived(shortLivedToken: string): Promise<LongLivedToken>;
  refreshLongLived(longLivedToken: string): Promise<LongLivedToken>;
  fetchProfile(accessToken: string): Promise<InstagramProfile>;
  /** Downloads an avatar for the renderer as a data URL (or undefined). */
  fetchAvatar(url: string): Promise<string | undefined>;
}

/** Why an account needs the user to connect it again. */
export type ReconnectReason =
  'token-revoked' | 'token-expired' | 'token-unreadable' | 'scopes-missing';

/** An account as the renderer may see it: never a token. */
export interface AccountSummary {
  userId: string;
  username: string;
  name?: string;
  accountType?: string;
  followersCount?: number;
  mediaCount?: number;
  /** A `data:` URL fetched by the main process, or undefined. */
  avatarDataUrl?: string;
  scopes: string[];
  linkedAt: number;
  tokenIssuedAt: number;
  tokenExpiresAt: number;
  lastRefreshedAt?: number;
  status: 'active' | 'reconnect-needed';
  reconnectReason?: ReconnectReason;
  /**
   * The provider that linked the account; its refreshes go there whatever
   * Settings say now. Records saved before it was kept read `instagram`.
   */
  provider: ProviderKind;
}

/** What the login flow hands the store once everything succeeded. */
export interface LinkedAccountInput {
  profile: InstagramProfile;
  scopes: string[];
  longLived: LongLivedToken;
  avatarDataUrl?: string;
  /** When the long-lived token was issued (clock time, ms). */
  issuedAt: number;
  /** The provider the flow linked through; `instagram` when left out. */
  provider?: ProviderKind;
}

/**
 * The linked accounts on disk. Tokens go in encrypted and come out only
 * through `readToken`; everything else returns summaries.
 */
export interface AccountStore {
  list(): AccountSummary[];
  get(userId: string): AccountSummary | undefined;
  /** Adds the account, or updates it in place when already linked. */
  link(input: LinkedAccountInput): AccountSummary;
  /**
   * Decrypts the account's token. When it cannot be decrypted the account
   * (and only it) is marked `token-unreadable` and this throws.
   */
  readToken(userId: string): string;
  /**
   * Writes a refreshed token to disk before the old one is dropped.
   * Returns false, writing nothing, when the account was removed meanwhile
   * so that a refresh racing a disconnect cannot bring it back.
   */
  saveRefreshedToken(
    userId: string,
    token: LongLivedToken,
    issuedAt: number,
  ): boolean;
  markReconnectNeeded(userId: string, reason: ReconnectReason): void;
  /** Removes the account and its token from the file. */
  remove(userId: string): boolean;
  /** Called after every change; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void;
}

/** How the redirect gets back to the loopback server (DESIGN.md). */
export type RedirectMode = 'loopback' | 'relay';

/** The settings a developer enters; the App Secret is kept apart. */
export interface Settings {
  provider: ProviderKind;
  appId: string;
  redirectMode: RedirectMode;
  /** HTTPS page hosting build/relay/index.html, for `relay` mode. */
  relayUrl: string;
  /** Fixed per install: Instagram matches the redirect URI exactly. */
  port: number;
  scopes: string[];
  /** True once the user accepted storing secrets without a keyring. */
  allowWeakSecretStorage: boolean;
}

/** Settings and the encrypted App Secret. */
export interface SettingsStore {
  get(): Settings;
  /** Validates and saves the whole patch, or throws saving nothing. */
  update(patch: Partial<Settings>): Settings;
  hasAppSecret(): boolean;
  /** Throws `SecretStorageRefusedError` on a weak backend without consent. */
  setAppSecret(secret: string): void;
  clearAppSecret(): void;
  /** Throws when no secret is set or it cannot be decrypted. */
  readAppSecret(): string;
}

/** Something the store had to do on open that the user must hear about. */
export interface StoreNotice {
  /**
   * `store-recovered`: the file, or part of it, could not be used and a
   * copy was set aside. `account-unreadable`: one account record cannot
   * be read; it stays in the file until linked again or removed.
   */
  kind: 'store-recovered' | 'account-unreadable';
  /**
   * Where the unreadable file was moved; it is never deleted. For
   * `account-unreadable`, the store file that still holds the record.
   */
  movedTo: string;
  message: string;
  /** The account's id (the record's key), for `account-unreadable`. */
  userId?: string;
}

/** How a connect flow ended. Each has its own message for the user. */
export type FlowOutcomeKind =
  | 'linked'
  | 'refused'
  | 'cancelled'
  | 'timed-out'
  | 'port-taken'
  | 'exchange-failed'
  | 'not-configured'
  | 'storage-refused';

/** The end of a connect flow: what happened, in words a person can use. */
export interface FlowOutcome {
  kind: FlowOutcomeKind;
  message: string;
  /** The linked account, for `linked`. */
  account?: AccountSummary;
}

/** What the connect panel shows while a flow runs. */
export interface FlowProgress {
  phase: 'idle' | 'waiting' | 'exchanging' | 'done';
  /** The page opened in the browser, for "open again" and "copy link". */
  authorizeUrl?: string;
  /** Clock time (ms) when the flow times out, for the countdown. */
  deadline?: number;
  outcome?: FlowOutcome;
}

/** Settings as the renderer may see them: no secret, only whether set. */
export interface SettingsView {
  settings: Settings;
  appSecretSet: boolean;
  /** The exact URI to register in Meta's dashboard. */
  redirectUri: string;
  dataDir: string;
  secretBackend: string;
  /** True when secrets would be stored without a keyring. */
  weakSecretStorage: boolean;
}

/** A settings change from the renderer; the secret only ever goes in. */
export type SettingsPatch = Partial<Settings> & { appSecret?: string };

/**
 * The main-process services the IPC handlers call. Built by one factory
 * (core/services.ts) from plain values; tests call the same object.
 * Failures throw typed errors; the IPC layer turns them into results.
 */
export interface InstalinkServices {
  listAccounts(): AccountSummary[];
  /** Starts a flow (cancelling any running one); resolves when it ends. */
  startConnect(options?: { forceReauth?: boolean }): Promise<FlowOutcome>;
  cancelConnect(): void;
  /** The final URL (or bare code) pasted when the browser can't reach us. */
  submitPastedRedirect(text: string): void;
  reopenAuthorizePage(): Promise<void>;
  flowProgress(): FlowProgress;
  refreshAccount(userId: string): Promise<AccountSummary>;
  disconnect(userId: string): boolean;
  getSettings(): SettingsView;
  saveSettings(patch: SettingsPatch): SettingsView;
  notices(): StoreNotice[];
  onAccountsChanged(listener: () => void): () => void;
  onFlowProgress(listener: (progress: FlowProgress) => void): () => void;
  /** Stops timers, servers and the sandbox. */
  close(): Promise<void>;
}

/**
 * The IPC contract: the one module main, preload and renderer all import.
 * Channel names, a zod schema for every payload and result, the result
 * type, and the shape of `window.instalink`. It imports nothing but zod and
 * types, so the renderer can take its types without Electron or Node.
 *
 * Payload schemas are strict (an unknown key is an error); result schemas
 * strip unknown keys, so a field added to a service by mistake (a token,
 * say) is dropped at the boundary instead of reaching the renderer.
 */
import { z } from 'zod';

import type {
  AccountSummary,
  FlowOutcome,
  FlowProgress,
  Settings,
  SettingsPatch,
  SettingsView,
  StoreNotice,
} from '../core/types';

// The renderer may import nothing from electron/ but this file, and only
// types (a value import would pull zod into its bundle): it gets the
// shared shapes from here.
export type {
  AccountSummary,
  FlowOutcome,
  FlowOutcomeKind,
  FlowProgress,
  InstagramScope,
  ProviderKind,
  ReconnectReason,
  Settings,
  SettingsPatch,
  SettingsView,
  StoreNotice,
} from '../core/types';

/** Request/response channels (`ipcRenderer.invoke` / `ipcMain.handle`). */
export const INVOKE_CHANNELS = {
  listAccounts: 'accounts:list',
  refreshAccount: 'accounts:refresh',
  disconnect: 'accounts:disconnect',
  startConnect: 'connect:start',
  cancelConnect: 'connect:cancel',
  pasteRedirect: 'connect:paste-redirect',
  reopenAuthorizePage: 'connect:reopen',
  flowProgress: 'connect:progress',
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  listNotices: 'notices:list',
  copyText: 'clipboard:copy-text',
} as const;

/** Events the main process pushes to the renderer (`webContents.send`). */
export const EVENT_CHANNELS = {
  accountsChanged: 'accounts:changed',
  flowProgress: 'connect:progress-changed',
} as const;

/** One of the invoke channel names. */
export type InvokeChannel =
  (typeof INVOKE_CHANNELS)[keyof typeof INVOKE_CHANNELS];

/** One of the event channel names. */
export type EventChannel = (typeof EVENT_CHANNELS)[keyof typeof EVENT_CHANNELS];

/** Longest text the paste field accepts (the brief's bound). */
export const MAX_PASTE_LENGTH = 4096;

/** Longest text a copy button may put on the clipboard. */
export const MAX_COPY_LENGTH = 4096;

/** What a failed call tells the renderer: never a stack, never a secret. */
export interface IpcError {
  code: string;
  message: string;
  /** Per-field messages for forms, keyed by the payload's field name. */
  fieldErrors?: Record<string, string>;
}

/** Every invoke resolves to this; handlers never reject. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; error: IpcError };

/** A payload-less call still sends an object, so extra keys are caught. */
export type EmptyPayload = Record<string, never>;

/** Payload and result types per invoke channel. */
export interface InvokeMap {
  'accounts:list': { payload: EmptyPayload; result: AccountSummary[] };
  'accounts:refresh': { payload: { userId: string }; result: AccountSummary };
  'accounts:disconnect': { payload: { userId: string }; result: boolean };
  'connect:start': {
    payload: { forceReauth?: boolean };
    result: FlowOutcome;
  };
  'connect:cancel': { payload: EmptyPayload; result: null };
  'connect:paste-redirect': { payload: { text: string }; result: null };
  'connect:reopen': { payload: EmptyPayload; result: null };
  'connect:progress': { payload: EmptyPayload; result: FlowProgress };
  'settings:get': { payload: EmptyPayload; result: SettingsView };
  'settings:save': { payload: SettingsPatch; result: SettingsView };
  'notices:list': { payload: EmptyPayload; result: StoreNotice[] };
  'clipboard:copy-text': { payload: { text: string }; result: null };
}

/** Payload types per event channel. */
export interface EventMap {
  'accounts:changed': AccountSummary[];
  'connect:progress-changed': FlowProgress;
}

/** The payload a channel takes. */
export type InvokePayload<C extends InvokeChannel> = InvokeMap[C]['payload'];

/** The value a channel resolves to on success. */
export type InvokeValue<C extends InvokeChannel> = InvokeMap[C]['result'];

/** What `window.instalink` offers the renderer (set by the preload). */
export interface InstalinkBridge {
  invoke<C extends InvokeChannel>(
    channel: C,
    payload: InvokePayload<C>,
  ): Promise<IpcResult<InvokeValue<C>>>;
  /** Listens to a pushed event; returns a function that unsubscribes. */
  on<E extends EventChannel>(
    event: E,
    listener: (payload: EventMap[E]) => void,
  ): () => void;
}

// Instagram ids are decimal strings above 2^53 (DESIGN.md, "bigint-id").
const userId = z.string().regex(/^[0-9]{1,32}$/, 'Not an Instagram user id.');

const empty = z.strictObject({});

const port = z.number().int().min(0).max(65535);

const scopeList = z.array(z.string().min(1).max(100)).max(16);

const settingsSchema = z.object({
  provider: z.enum(['instagram', 'sandbox']),
  appId: z.string().max(64),
  redirectMode: z.enum(['loopback', 'relay']),
  relayUrl: z.string().max(2048),
  port,
  scopes: scopeList,
  allowWeakSecretStorage: z.boolean(),
}) satisfies z.ZodType<Settings>;

const settingsPatchSchema = z.strictObject({
  provider: z.enum(['instagram', 'sandbox']).optional(),
  appId: z.string().max(64).optional(),
  redirectMode: z.enum(['loopback', 'relay']).optional(),
  relayUrl: z.string().max(2048).optional(),
  port: port.optional(),
  scopes: scopeList.optional(),
  allowWeakSecretStorage: z.boolean().optional(),
  appSecret: z.string().max(256).optional(),
}) satisfies z.ZodType<SettingsPatch>;

const accountSummarySchema = z.object({
  userId: z.string(),
  username: z.string(),
  name: z.string().optional(),
  accountType: z.string().optional(),
  followersCount: z.number().optional(),
  mediaCount: z.number().optional(),
  // Only data: URLs may reach an img under the renderer's CSP; anything
  // else is dropped (the card falls back to initials) rather than failing.
  avatarDataUrl: z
    .string()
    .startsWith('data:image/')
    .optional()
    .catch(undefined),
  scopes: z.array(z.string()),
  linkedAt: z.number(),
  tokenIssuedAt: z.number(),
  tokenExpiresAt: z.number(),
  lastRefreshedAt: z.number().optional(),
  status: z.enum(['active', 'reconnect-needed']),
  reconnectReason: z
    .enum([
      'token-revoked',
      'token-expired',
      'token-unreadable',
      'scopes-missing',
    ])
    .optional(),
  // Required: the card labels sandbox accounts, so one never passes for a
  // real account. The store reads old records without it as `instagram`.
  provider: z.enum(['instagram', 'sandbox']),
}) satisfies z.ZodType<AccountSummary>;

const flowOutcomeSchema = z.object({
  kind: z.enum([
    'linked',
    'refused',
    'cancelled',
    'timed-out',
    'port-taken',
    'exchange-failed',
    'not-configured',
    'storage-refused',
  ]),
  message: z.string(),
  account: accountSummarySchema.optional(),
}) satisfies z.ZodType<FlowOutcome>;

const flowProgressSchema = z.object({
  phase: z.enum(['idle', 'waiting', 'exchanging', 'done']),
  authorizeUrl: z.string().optional(),
  deadline: z.number().optional(),
  outcome: flowOutcomeSchema.optional(),
}) satisfies z.ZodType<FlowProgress>;

const settingsViewSchema = z.object({
  settings: settingsSchema,
  appSecretSet: z.boolean(),
  redirectUri: z.string(),
  dataDir: z.string(),
  secretBackend: z.string(),
  weakSecretStorage: z.boolean(),
}) satisfies z.ZodType<SettingsView>;

const storeNoticeSchema = z.object({
  kind: z.enum(['store-recovered', 'account-unreadable']),
  movedTo: z.string(),
  userId: z.string().optional(),
  message: z.string(),
}) satisfies z.ZodType<StoreNotice>;

/** The schemas of one invoke channel. */
export interface ChannelSchemas<C extends InvokeChannel> {
  payload: z.ZodType<InvokePayload<C>>;
  result: z.ZodType<InvokeValue<C>>;
}

/** Payload and result schema of every invoke channel. */
export const invokeSchemas: { [C in InvokeChannel]: ChannelSchemas<C> } = {
  'accounts:list': { payload: empty, result: z.array(accountSummarySchema) },
  'accounts:refresh': {
    payload: z.strictObject({ userId }),
    result: accountSummarySchema,
  },
  'accounts:disconnect': {
    payload: z.strictObject({ userId }),
    result: z.boolean(),
  },
  'connect:start': {
    payload: z.strictObject({ forceReauth: z.boolean().optional() }),
    result: flowOutcomeSchema,
  },
  'connect:cancel': { payload: empty, result: z.null() },
  'connect:paste-redirect': {
    payload: z.strictObject({ text: z.string().max(MAX_PASTE_LENGTH) }),
    result: z.null(),
  },
  'connect:reopen': { payload: empty, result: z.null() },
  'connect:progress': { payload: empty, result: flowProgressSchema },
  'settings:get': { payload: empty, result: settingsViewSchema },
  'settings:save': { payload: settingsPatchSchema, result: settingsViewSchema },
  'notices:list': { payload: empty, result: z.array(storeNoticeSchema) },
  'clipboard:copy-text': {
    payload: z.strictObject({ text: z.string().min(1).max(MAX_COPY_LENGTH) }),
    result: z.null(),
  },
};

/** Schema of every event channel's payload. */
export const eventSchemas: { [E in EventChannel]: z.ZodType<EventMap[E]> } = {
  'accounts:changed': z.array(accountSummarySchema),
  'connect:progress-changed': flowProgressSchema,
};

/** True when `channel` names an invoke channel of this contract. */
export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeSchemas, channel);
}

/** True when `channel` names an event channel of this contract. */
export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.hasOwn(eventSchemas, channel);
}

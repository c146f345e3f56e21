/**
 * The settings a developer enters, and what Instalink tells them back:
 * the exact redirect URI to register, where data lives, how secrets are
 * protected. The App Secret only ever goes in; the screen learns only
 * whether one is set.
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react';

import type {
  InstagramScope,
  Settings,
  SettingsPatch,
  SettingsView,
} from '../../electron/ipc/contract';
import { call, fieldErrorsOf, messageOf } from './api';
import { SCOPE_LABELS } from './format';

/** The saved view and the way to replace it after a save. */
export interface SettingsScreenProps {
  view: SettingsView;
  onSaved: (view: SettingsView) => void;
}

type FieldErrors = Record<string, string>;

interface Draft extends Omit<Settings, 'port'> {
  /** As typed; checked to be a whole number before it is sent. */
  port: string;
  appSecret: string;
}

function draftFrom(settings: Settings): Draft {
  return { ...settings, port: String(settings.port), appSecret: '' };
}

/** The settings form. */
export function SettingsScreen({ view, onSaved }: SettingsScreenProps) {
  const [draft, setDraft] = useState(() => draftFrom(view.settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<string>();
  const [saving, setSaving] = useState(false);

  const edit = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setStatus(undefined);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const patch = patchFrom(draft);
    if (!patch.ok) {
      setErrors(patch.errors);
      setStatus('Some fields need fixing; see the messages below each.');
      return;
    }

    setSaving(true);
    const outcome = await submit(patch.value);
    setSaving(false);
    setErrors(outcome.errors);
    setStatus(outcome.status);
    if (outcome.view) {
      setDraft(draftFrom(outcome.view.settings));
      onSaved(outcome.view);
    }
  };

  return (
    <form className="settings" onSubmit={save} noValidate>
      <h1>Settings</h1>
      <ProviderFields draft={draft} errors={errors} edit={edit} />
      <AppFields draft={draft} view={view} errors={errors} edit={edit} />
      <RedirectFields draft={draft} view={view} errors={errors} edit={edit} />
      <ScopeFields draft={draft} errors={errors} edit={edit} />
      <StorageFields draft={draft} view={view} errors={errors} edit={edit} />
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <p className="note" role="status">
          {status}
        </p>
      </div>
    </form>
  );
}

type Parsed =
  { ok: true; value: SettingsPatch } | { ok: false; errors: FieldErrors };

function patchFrom(draft: Draft): Parsed {
  if (!/^\d{1,5}$/.test(draft.port.trim())) {
    return {
      ok: false,
      errors: { port: 'Enter the port as a whole number, e.g. 53682.' },
    };
  }

  const { appSecret, port, ...settings } = draft;
  // Text fields are trimmed: a space pasted along with an address would
  // be invisible on screen but break Instagram's exact match.
  const patch: SettingsPatch = {
    ...settings,
    appId: settings.appId.trim(),
    relayUrl: settings.relayUrl.trim(),
    port: Number(port),
  };
  // An empty field keeps the saved secret: it is never read back to show.
  return { ok: true, value: appSecret ? { ...patch, appSecret } : patch };
}

interface SaveOutcome {
  view?: SettingsView;
  errors: FieldErrors;
  status: string;
}

async function submit(patch: SettingsPatch): Promise<SaveOutcome> {
  try {
    const view = await call('settings:save', patch);
    return { view, errors: {}, status: 'Settings saved.' };
  } catch (failure) {
    const errors = fieldErrorsOf(failure);
    const inline = Object.keys(errors).length > 0;
    return {
      errors,
      status: inline
        ? 'Nothing was saved. Fix the fields marked below.'
        : `Nothing was saved. ${messageOf(failure)}`,
    };
  }
}

interface SectionProps {
  draft: Draft;
  errors: FieldErrors;
  edit: (change: Partial<Draft>) => void;
}

interface ViewSectionProps extends SectionProps {
  view: SettingsView;
}

function ProviderFields({ draft, errors, edit }: SectionProps) {
  return (
    <Fieldset legend="Provider" error={errors.provider}>
      <Radio
        name="provider"
        checked={draft.provider === 'sandbox'}
        onChange={() => edit({ provider: 'sandbox' })}
        label="Sandbox"
        hint="An offline Instagram simulator; no Meta app needed."
      />
      <Radio
        name="provider"
        checked={draft.provider === 'instagram'}
        onChange={() => edit({ provider: 'instagram' })}
        label="Instagram"
        hint="The real service; needs your Meta app’s ID and secret."
      />
    </Fieldset>
  );
}

function AppFields({ draft, view, errors, edit }: ViewSectionProps) {
  return (
    <Fieldset legend="Instagram app">
      <TextField
        label="Instagram App ID"
        value={draft.appId}
        error={errors.appId}
        inputMode="numeric"
        onChange={(appId) => edit({ appId })}
      />
      <TextField
        label="App Secret"
        type="password"
        value={draft.appSecret}
        error={errors.appSecret}
        hint={
          view.appSecretSet
            ? 'Set. Type a new secret to replace it; the saved one is ' +
              'never shown.'
            : 'Not set.'
        }
        onChange={(appSecret) => edit({ appSecret })}
      />
      <p className="callout">
        The App Secret lets whoever holds it act as your Meta app. Meta advises
        keeping it off client devices; Instalink stores it encrypted and never
        shows it to this window, but anyone with this computer’s account could
        still use it. If you hand builds to other people, run a token broker (a
        small backend that keeps the secret and does both token exchanges)
        instead of putting it here.
      </p>
    </Fieldset>
  );
}

function RedirectFields({ draft, view, errors, edit }: ViewSectionProps) {
  const [copied, setCopied] = useState<string>();

  const copy = () =>
    call('clipboard:copy-text', { text: view.redirectUri }).then(
      () => setCopied('Copied.'),
      (failure: unknown) => setCopied(messageOf(failure)),
    );

  return (
    <Fieldset legend="Redirect" error={errors.redirectMode}>
      <Radio
        name="redirectMode"
        checked={draft.redirectMode === 'loopback'}
        onChange={() => edit({ redirectMode: 'loopback' })}
        label="Loopback"
        hint="The browser returns straight to this computer (sandbox)."
      />
      <Radio
        name="redirectMode"
        checked={draft.redirectMode === 'relay'}
        onChange={() => edit({ redirectMode: 'relay' })}
        label="Relay page"
        hint="An HTTPS page you host forwards the answer to this computer."
      />
      <TextField
        label="Relay page URL"
        type="url"
        value={draft.relayUrl}
        error={errors.relayUrl}
        hint="Used in relay mode only, e.g. https://example.com/relay/"
        onChange={(relayUrl) => edit({ relayUrl })}
      />
      <TextField
        label="Port"
        value={draft.port}
        error={errors.port}
        inputMode="numeric"
        hint="Fixed per install: Instagram matches the redirect URI exactly."
        onChange={(port) => edit({ port })}
      />
      {redirectWarning(draft) && (
        <p className="banner warning">{redirectWarning(draft)}</p>
      )}
      <div className="field">
        <p>Register exactly this redirect URI in Meta’s dashboard:</p>
        <div className="inline-row">
          <code className="uri">{view.redirectUri || 'none yet'}</code>
          <button type="button" onClick={copy} disabled={!view.redirectUri}>
            Copy
          </button>
        </div>
        {redirectChanged(draft, view) && (
          <p className="muted">
            This is the saved one; save to see the URI for your changes.
          </p>
        )}
        <p className="note" role="status">
          {copied}
        </p>
      </div>
    </Fieldset>
  );
}

/**
 * Instagram accepts only HTTPS redirect URIs (DESIGN.md, "Getting the
 * redirect back"), so loopback mode cannot work with the real service.
 */
function redirectWarning(draft: Draft): string | undefined {
  if (draft.provider !== 'instagram' || draft.redirectMode !== 'loopback') {
    return undefined;
  }

  return (
    'Instagram only accepts HTTPS redirect URIs, so it will refuse this ' +
    'loopback address. Host the relay page and choose Relay page, or ' +
    'paste the final address into Instalink after allowing access.'
  );
}

/** True when the form's redirect fields differ from the saved ones. */
function redirectChanged(draft: Draft, view: SettingsView): boolean {
  const saved = view.settings;

  return (
    draft.redirectMode !== saved.redirectMode ||
    draft.relayUrl !== saved.relayUrl ||
    draft.port !== String(saved.port)
  );
}

function ScopeFields({ draft, errors, edit }: SectionProps) {
  const known = Object.keys(SCOPE_LABELS) as InstagramScope[];
  const extra = draft.scopes.filter((scope) => !known.includes(scope as never));

  const toggle = (scope: string, on: boolean) =>
    edit({
      scopes: on
        ? [...draft.scopes, scope]
        : draft.scopes.filter((s) => s !== scope),
    });

  return (
    <Fieldset legend="Permissions to ask for" error={errors.scopes}>
      {[...known, ...extra].map((scope) => (
        <Checkbox
          key={scope}
          checked={draft.scopes.includes(scope)}
          onChange={(on) => toggle(scope, on)}
          label={SCOPE_LABELS[scope as InstagramScope] ?? scope}
          hint={scope}
        />
      ))}
    </Fieldset>
  );
}

function StorageFields({ draft, view, errors, edit }: ViewSectionProps) {
  return (
    <Fieldset legend="Storage">
      <dl className="facts">
        <dt>Data folder</dt>
        <dd>
          <code>{view.dataDir}</code>
        </dd>
        <dt>Secret storage</dt>
        <dd>{view.secretBackend}</dd>
      </dl>
      {(view.weakSecretStorage || draft.allowWeakSecretStorage) && (
        <>
          <p className="callout warning">
            This computer has no system keyring (secret storage “
            {view.secretBackend}”). Tokens and the App Secret would only be
            obfuscated, and anyone who can read the data folder could use them.
            Instalink stores no secret unless you accept this.
          </p>
          <Checkbox
            checked={draft.allowWeakSecretStorage}
            onChange={(on) => edit({ allowWeakSecretStorage: on })}
            label="Store secrets without a keyring"
            error={errors.allowWeakSecretStorage}
          />
        </>
      )}
    </Fieldset>
  );
}

function Fieldset(props: {
  legend: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.children}
      <p className="inline-error">{props.error}</p>
    </fieldset>
  );
}

interface FieldProps {
  label: string;
  value: string;
  error?: string;
  hint?: string;
  type?: 'text' | 'password' | 'url';
  inputMode?: 'numeric';
  onChange: (value: string) => void;
}

function TextField(props: FieldProps) {
  const id = useId();
  const described = [props.hint && `${id}-hint`, `${id}-error`]
    .filter(Boolean)
    .join(' ');

  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p id={`${id}-hint`} className="muted">
          {props.hint}
        </p>
      )}
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        inputMode={props.inputMode}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <p id={`${id}-error`} className="inline-error">
        {props.error}
      </p>
    </div>
  );
}

function Radio(props: {
  name: string;
  checked: boolean;
  label: string;
  hint: string;
  onChange: () => void;
}) {
  const id = useId();

  return (
    <div className="choice">
      <input
        id={id}
        type="radio"
        name={props.name}
        checked={props.checked}
        aria-describedby={`${id}-hint`}
        onChange={props.onChange}
      />
      <label htmlFor={id}>{props.label}</label>
      <p id={`${id}-hint`} className="muted">
        {props.hint}
      </p>
    </div>
  );
}

function Checkbox(props: {
  checked: boolean;
  label: string;
  hint?: string;
  error?: string;
  onChange: (on: boolean) => void;
}) {
  const id = useId();

  return (
    <div className="choice">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p id={`${id}-hint`} className="muted">
          <code>{props.hint}</code>
        </p>
      )}
      {props.error && <p className="inline-error">{props.error}</p>}
    </div>
  );
}

/**
 * State the screens share: what the main process last told us, kept fresh
 * by its pushed events, and the running connect call.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import type {
  AccountSummary,
  FlowOutcome,
  FlowProgress,
  SettingsView,
  StoreNotice,
} from '../../electron/ipc/contract';
import { call, messageOf } from './api';

/** Everything the window shows, `undefined` while still loading. */
export interface AppData {
  accounts?: AccountSummary[];
  notices: StoreNotice[];
  settingsView?: SettingsView;
  progress: FlowProgress;
  loadError?: string;
  setSettingsView: (view: SettingsView) => void;
}

const IDLE: FlowProgress = { phase: 'idle' };

/** Loads the window's data once and follows the main process's events. */
export function useAppData(): AppData {
  const [accounts, setAccounts] = useState<AccountSummary[]>();
  const [notices, setNotices] = useState<StoreNotice[]>([]);
  const [settingsView, setSettingsView] = useState<SettingsView>();
  const [progress, setProgress] = useState<FlowProgress>(IDLE);
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    let live = true;
    const guard =
      <T>(apply: (value: T) => void) =>
      (value: T) => {
        if (live) apply(value);
      };
    const fail = guard((error: unknown) => setLoadError(messageOf(error)));

    call('accounts:list', {}).then(guard(setAccounts), fail);
    call('notices:list', {}).then(guard(setNotices), fail);
    call('settings:get', {}).then(guard(setSettingsView), fail);
    call('connect:progress', {}).then(guard(setProgress), fail);

    const stopAccounts = window.instalink.on('accounts:changed', (list) => {
      setAccounts(list);
      call('notices:list', {}).then(guard(setNotices), fail);
    });
    const stopProgress = window.instalink.on(
      'connect:progress-changed',
      setProgress,
    );

    return () => {
      live = false;
      stopAccounts();
      stopProgress();
    };
  }, []);

  return {
    accounts,
    notices,
    settingsView,
    progress,
    loadError,
    setSettingsView,
  };
}

/** The last connect call: its outcome, or why it could not start. */
export interface ConnectState {
  outcome?: FlowOutcome;
  error?: string;
  start: (forceReauth: boolean) => void;
  dismiss: () => void;
}

/**
 * Starts connect flows. A new flow cancels the running one in the main
 * process; only the latest call's outcome is shown, so the superseded
 * flow's "cancelled" does not cover the one the user is finishing.
 */
export function useConnect(): ConnectState {
  const latest = useRef(0);
  const [outcome, setOutcome] = useState<FlowOutcome>();
  const [error, setError] = useState<string>();

  const start = useCallback((forceReauth: boolean) => {
    const attempt = ++latest.current;
    setOutcome(undefined);
    setError(undefined);

    call('connect:start', forceReauth ? { forceReauth } : {}).then(
      (value) => attempt === latest.current && setOutcome(value),
      (failure: unknown) =>
        attempt === latest.current && setError(messageOf(failure)),
    );
  }, []);

  const dismiss = useCallback(() => {
    setOutcome(undefined);
    setError(undefined);
  }, []);

  return { outcome, error, start, dismiss };
}

/** The time, updated every `intervalMs`, for countdowns and ages. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);

  return now;
}

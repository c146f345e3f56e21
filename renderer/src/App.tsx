/**
 * The window: a header with the two screens, and the screen shown. The
 * data lives here so switching screens neither reloads nor loses it.
 */
import { useState } from 'react';

import { AccountsScreen } from './AccountsScreen';
import { useAppData, useConnect } from './hooks';
import { SettingsScreen } from './SettingsScreen';

type Screen = 'accounts' | 'settings';

const SCREENS: ReadonlyArray<{ id: Screen; label: string }> = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'settings', label: 'Settings' },
];

/** The whole renderer. */
export function App() {
  const [screen, setScreen] = useState<Screen>('accounts');
  const data = useAppData();
  const connect = useConnect();

  return (
    <>
      <header className="app-header">
        <span className="brand">Instalink</span>
        <nav aria-label="Screens">
          {SCREENS.map(({ id, label }) => (
            <button
              key={id}
              type="button"
              className="tab"
              aria-current={screen === id ? 'page' : undefined}
              onClick={() => setScreen(id)}
            >
              {label}
            </button>
          ))}
        </nav>
      </header>
      <main>
        {data.loadError && (
          <p className="banner error" role="alert">
            {data.loadError}
          </p>
        )}
        {screen === 'accounts' ? (
          <AccountsScreen
            data={data}
            connect={connect}
            onOpenSettings={() => setScreen('settings')}
          />
        ) : data.settingsView ? (
          <SettingsScreen
            view={data.settingsView}
            onSaved={data.setSettingsView}
          />
        ) : (
          <div className="card placeholder tall" aria-busy="true" />
        )}
      </main>
    </>
  );
}

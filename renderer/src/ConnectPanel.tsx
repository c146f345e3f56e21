/**
 * What the window shows while the user finishes in the browser: the
 * countdown, ways back to the page, the paste field for when the browser
 * cannot reach the app (DESIGN.md, "Getting the redirect back"), Cancel.
 */
import { type FormEvent, useId, useState } from 'react';

import type { FlowProgress } from '../../electron/ipc/contract';
import { call, messageOf } from './api';
import { formatCountdown } from './format';
import { useNow } from './hooks';
import { MAX_PASTE_LENGTH } from './limits';

/** The running flow's progress, as the main process reported it. */
export interface ConnectPanelProps {
  progress: FlowProgress;
}

/** Shown while `progress.phase` is `waiting` or `exchanging`. */
export function ConnectPanel({ progress }: ConnectPanelProps) {
  const [note, setNote] = useState<string>();
  const exchanging = progress.phase === 'exchanging';

  const act = (action: () => Promise<unknown>, done: string) => {
    setNote(undefined);
    action().then(
      () => setNote(done),
      (failure: unknown) => setNote(messageOf(failure)),
    );
  };

  return (
    <section className="panel" aria-labelledby="connect-heading">
      <h2 id="connect-heading">
        {exchanging ? 'Linking your account…' : 'Finish in your browser'}
      </h2>
      <p>
        {exchanging
          ? 'Instagram answered. Instalink is saving the account.'
          : 'Your browser was opened on the sign-in page. Allow Instalink ' +
            'there, then come back to this window.'}
      </p>
      {!exchanging && <Countdown deadline={progress.deadline} />}
      <div className="actions" hidden={exchanging}>
        <button
          type="button"
          onClick={() => act(() => call('connect:reopen', {}), 'Opened again.')}
        >
          Open the page again
        </button>
        <button
          type="button"
          disabled={!progress.authorizeUrl}
          onClick={() =>
            act(
              () =>
                call('clipboard:copy-text', {
                  text: progress.authorizeUrl ?? '',
                }),
              'Link copied. Paste it into your browser’s address bar.',
            )
          }
        >
          Copy the link
        </button>
        <button
          type="button"
          onClick={() => act(() => call('connect:cancel', {}), 'Cancelled.')}
        >
          Cancel
        </button>
      </div>
      <p className="note" role="status">
        {note}
      </p>
      {!exchanging && <PasteForm />}
    </section>
  );
}

function Countdown({ deadline }: { deadline?: number }) {
  const now = useNow(1000);

  return (
    <p className="countdown">
      {deadline === undefined
        ? 'Waiting for the browser.'
        : `Time left: ${formatCountdown(deadline - now)}`}
    </p>
  );
}

function PasteForm() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const fieldId = useId();
  const hintId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    call('connect:paste-redirect', { text }).then(
      () => setText(''),
      (failure: unknown) => setError(messageOf(failure)),
    );
  };

  return (
    <form className="paste" onSubmit={submit} noValidate>
      <label htmlFor={fieldId}>Paste the final address or the code</label>
      <p id={hintId} className="muted">
        If the browser shows an error page after you allowed Instalink, copy
        that page’s whole address and paste it here.
      </p>
      <div className="inline-row">
        <input
          id={fieldId}
          type="text"
          value={text}
          maxLength={MAX_PASTE_LENGTH}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${hintId} ${errorId}`}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" disabled={!text.trim()}>
          Submit
        </button>
      </div>
      <p id={errorId} className="inline-error" role="alert">
        {error}
      </p>
    </form>
  );
}

/**
 * How the last connect flow ended, with a heading per kind and the
 * service's own sentence, plus the next step where there is one.
 */
import type { FlowOutcome, FlowOutcomeKind } from '../../electron/ipc/contract';

const HEADINGS: Record<FlowOutcomeKind, string> = {
  linked: 'Account linked',
  refused: 'Access was refused on Instagram',
  cancelled: 'Connecting was cancelled',
  'timed-out': 'The sign-in timed out',
  'port-taken': 'Instalink’s port is in use',
  'exchange-failed': 'Instagram did not finish the sign-in',
  'not-configured': 'Instagram is not set up yet',
  'storage-refused': 'Secrets cannot be stored safely',
};

// Outcomes fixed in Settings get a button that goes there.
const FIXED_IN_SETTINGS = new Set<FlowOutcomeKind>([
  'not-configured',
  'storage-refused',
  'port-taken',
]);

/** The outcome and what can be done next. */
export interface OutcomeNoticeProps {
  outcome: FlowOutcome;
  onOpenSettings: () => void;
  onDismiss: () => void;
}

/** A banner for a finished flow; success is a status, anything else an alert. */
export function OutcomeNotice(props: OutcomeNoticeProps) {
  const { kind, message } = props.outcome;
  const success = kind === 'linked';

  return (
    <section
      className={success ? 'banner success' : 'banner error'}
      role={success ? 'status' : 'alert'}
      aria-labelledby="outcome-heading"
    >
      <h2 id="outcome-heading">{HEADINGS[kind]}</h2>
      <p>{message}</p>
      <div className="actions">
        {FIXED_IN_SETTINGS.has(kind) && (
          <button type="button" onClick={props.onOpenSettings}>
            Open Settings
          </button>
        )}
        <button type="button" onClick={props.onDismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}

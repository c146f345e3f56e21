/**
 * A modal confirmation built on the native `<dialog>`: `showModal()` makes
 * the rest of the page inert and Escape fires `cancel`, which closes it
 * like the Cancel button. Tab and Shift+Tab wrap inside it, since the
 * browser would otherwise let the focus leave for its own toolbar.
 */
import {
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
} from 'react';

/** What the dialog asks and what its buttons say. */
export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Shown while mounted; the safe choice (Cancel) has the focus first. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    cancelButton.current?.focus();

    return () => element?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
      onKeyDown={trapTab}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div id={bodyId}>{props.children}</div>
      <div className="actions">
        <button ref={cancelButton} type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled)';

function trapTab(event: KeyboardEvent<HTMLDialogElement>): void {
  if (event.key !== 'Tab') {
    return;
  }

  const items = [
    ...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE),
  ];
  const edge = event.shiftKey ? items[0] : items.at(-1);
  const wrapTo = event.shiftKey ? items.at(-1) : items[0];
  if (edge && wrapTo && document.activeElement === edge) {
    event.preventDefault();
    wrapTo.focus();
  }
}

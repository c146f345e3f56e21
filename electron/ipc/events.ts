/**
 * Pushes the services' changes to the renderer as the contract's events.
 * Each payload passes its schema first, which strips anything the
 * renderer must not see, exactly as invoke results do.
 */
import { type Logger } from '../core/logger';
import { type InstalinkServices } from '../core/types';
import {
  EVENT_CHANNELS,
  type EventChannel,
  type EventMap,
  eventSchemas,
} from './contract';

/** Sends one event to the app's window (`webContents.send` in the app). */
export type EventSender = <E extends EventChannel>(
  event: E,
  payload: EventMap[E],
) => void;

/** Subscribes to the services; returns a function that stops forwarding. */
export function forwardServiceEvents(
  services: InstalinkServices,
  send: EventSender,
  logger: Logger,
): () => void {
  const log = logger.child('ipc-events');
  const emit = checkedSender(send, log);

  const stopAccounts = services.onAccountsChanged(() =>
    emit(EVENT_CHANNELS.accountsChanged, services.listAccounts()),
  );
  const stopProgress = services.onFlowProgress((progress) =>
    emit(EVENT_CHANNELS.flowProgress, progress),
  );

  return () => {
    stopAccounts();
    stopProgress();
  };
}

function checkedSender(send: EventSender, logger: Logger): EventSender {
  return (event, payload) => {
    const parsed = eventSchemas[event].safeParse(payload);
    if (!parsed.success) {
      logger.error('an event broke the IPC contract', { event });
      return;
    }

    try {
      send(event, parsed.data);
    } catch (error) {
      // A closed window must not break the service that emitted.
      logger.warn('an event could not be delivered', {
        event,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
  };
}

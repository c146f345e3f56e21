/**
 * `npm run sandbox`: an offline Instagram on 127.0.0.1 for manual testing.
 * Prints where it listens and the credentials to enter, then serves until
 * Ctrl+C. The banner goes to process.stdout; log lines follow it there.
 */
import { parseArgs } from 'node:util';

import { createLogger } from '../core/logger';
import { systemClock } from '../core/types';
import { type Sandbox, startSandbox } from './server';

function portFromArguments(): number {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' } },
  });
  const port = Number(values.port);

  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be 0 to 65535, not ${values.port}\n`);
    process.exit(2);
  }

  return port;
}

function describe(sandbox: Sandbox): string {
  const { endpoints } = sandbox;

  return [
    `Instagram sandbox listening on ${sandbox.baseUrl}`,
    `  App ID:        ${sandbox.appId}`,
    `  App Secret:    ${sandbox.appSecret}`,
    `  Authorize:     ${endpoints.authorizeUrl}`,
    `  Token:         ${endpoints.tokenUrl}`,
    `  Graph:         ${endpoints.graphBaseUrl} (${endpoints.graphVersion})`,
    `  Accounts:      ${sandbox.users.map((u) => u.username).join(', ')}`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    clock: systemClock,
    port: portFromArguments(),
    // The app's own logger, so the terminal shows what the app would log.
    logger: createLogger({ level: 'debug' }).child('sandbox'),
  });
  const stop = () => void sandbox.close().then(() => process.exit(0));

  process.stdout.write(describe(sandbox));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);

  process.stderr.write(`The sandbox did not start: ${message}\n`);
  process.exit(1);
});

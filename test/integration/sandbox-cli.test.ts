import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

// Node itself with tsx as a loader, not the tsx wrapper: the wrapper runs
// the CLI in a child, and killing the wrapper left that child listening.
const CLI = [process.execPath, '--import', 'tsx', 'electron/sandbox/cli.ts'];

let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

function runCli(...args: string[]): ChildProcess {
  const [command = '', ...rest] = CLI;

  child = spawn(command, [...rest, ...args], { stdio: 'pipe' });
  return child;
}

/**
 * Resolves with stdout once the banner's last line has arrived. It keeps
 * reading afterwards: a closed pipe would make the CLI's next write fail.
 */
function banner(process: ChildProcess): Promise<string> {
  let text = '';

  return new Promise((resolve) => {
    process.stdout?.on('data', (chunk: Buffer) => {
      text += String(chunk);
      if (text.includes('Press Ctrl+C to stop.')) resolve(text);
    });
  });
}

describe('npm run sandbox', () => {
  it('prints the base URL, the credentials and the endpoints', async () => {
    const text = await banner(runCli('--port', '0'));

    expect(text).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain('App ID:        sandbox-app-id');
    expect(text).toContain('App Secret:    sandbox-app-secret');
    expect(text).toMatch(
      /Token: +http:\/\/127\.0\.0\.1:\d+\/oauth\/access_token/,
    );
  });

  it('serves requests until Ctrl+C, then exits cleanly', async () => {
    const process = runCli();
    const baseUrl = /listening on (\S+)/.exec(await banner(process))?.[1];
    const response = await request(`${baseUrl}/avatars/17841400000000001.png`);

    await response.body.dump();
    process.kill('SIGINT');
    const [code] = await once(process, 'exit');

    expect(response.statusCode).toBe(200);
    expect(code).toBe(0);
  });

  it('refuses a port that is not a number', async () => {
    const process = runCli('--port', 'eighty');
    const [code] = await once(process, 'exit');

    expect(code).toBe(2);
  });
});

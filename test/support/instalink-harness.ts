import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { request } from 'undici';

import { silentLogger } from '../../electron/core/logger';
import {
  createServices,
  type MainServices,
  type ServicesOptions,
} from '../../electron/core/services';
import { type SecretCipher } from '../../electron/core/types';
import { type ConsentChoice } from '../../electron/sandbox/server';
import { createTestCipher } from './test-cipher';

/** A free TCP port on 127.0.0.1, for the loopback server of one test. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Real services over a temp data folder, the sandbox and a test cipher. */
export interface Harness {
  services: MainServices;
  dataDir: string;
  /** Every URL the app asked the system browser to open. */
  opened: string[];
  /** Resolves with the next URL the app opens in the browser. */
  nextOpened(): Promise<string>;
  /** The store file's text, or undefined when none was written. */
  storeText(): Promise<string | undefined>;
  /** Plays the user on the sandbox consent page, then follows the redirect
   * to the loopback server as a browser would; returns that page's text. */
  consent(choice?: ConsentChoice): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Options for `startHarness`; anything of `createServices` may be set. */
export type HarnessOptions = Partial<ServicesOptions> & {
  cipher?: SecretCipher;
};

/**
 * Starts Instalink's real services as the Electron shell would, with the
 * sandbox as provider on a free loopback port and nothing mocked but the
 * browser opener (which only records the URL).
 */
export async function startHarness(
  options: HarnessOptions = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'instalink-test-'));
  const opened: string[] = [];
  const waiters: ((url: string) => void)[] = [];

  const services = await createServices({
    dataDir,
    cipher: createTestCipher(),
    logger: silentLogger,
    scheduleRefresh: false,
    ...options,
    openBrowser:
      options.openBrowser ??
      (async (url) => {
        opened.push(url);
        waiters.shift()?.(url);
      }),
  });
  services.saveSettings({ port: await freePort() });

  const nextOpened = () =>
    new Promise<string>((resolve) => {
      waiters.push(resolve);
    });

  return {
    services,
    dataDir,
    opened,
    nextOpened,
    storeText: () =>
      readFile(join(dataDir, 'instalink.json'), 'utf8').catch(() => undefined),
    consent: async (choice) => {
      const authorizeUrl = opened.at(-1);
      const sandbox = services.sandbox();
      if (!authorizeUrl || !sandbox) throw new Error('no flow is waiting');

      const redirect = await sandbox.answerConsent(authorizeUrl, choice);
      const response = await request(redirect);
      return {
        status: response.statusCode,
        body: await response.body.text(),
      };
    },
    close: async () => {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

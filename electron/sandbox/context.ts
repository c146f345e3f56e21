import { type Logger } from '../core/logger';
import { type Clock } from '../core/types';
import { type ConsentRegistry } from './consents';
import { type FailureSwitches } from './failures';
import { type GrantRegistry } from './grants';
import { type SandboxUser } from './users';

/**
 * Which of the two code-exchange answers Instagram is seen to give
 * (DESIGN.md): `{access_token, user_id}` or `{"data":[{…}]}`.
 */
export type TokenShape = 'flat' | 'data-array';

/** What every sandbox route handler reads and changes. */
export interface SandboxContext {
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  appId: string;
  appSecret: string;
  tokenShape: TokenShape;
  users: readonly SandboxUser[];
  grants: GrantRegistry;
  consents: ConsentRegistry;
  failures: FailureSwitches;
}

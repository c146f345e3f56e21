/** An Instagram account type that Instagram Login accepts. */
export type SandboxAccountType = 'BUSINESS' | 'MEDIA_CREATOR';

/** A simulated professional account the consent page offers. */
export interface SandboxUser {
  /** Above 2^53 on purpose: JSON.parse would round it (cases: bigint-id). */
  userId: string;
  username: string;
  name: string;
  accountType: SandboxAccountType;
  followersCount: number;
  followsCount: number;
  mediaCount: number;
  /** The solid colour of the generated avatar, as RGB bytes. */
  avatarColor: readonly [number, number, number];
}

/**
 * The accounts every sandbox offers. The third one's name carries markup
 * characters and a non-ASCII letter so that every screen that shows it
 * proves it escapes what it echoes.
 */
export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    userId: '17841400000000001',
    username: 'sandbox_shop',
    name: 'Sandbox Shop',
    accountType: 'BUSINESS',
    followersCount: 1280,
    followsCount: 75,
    mediaCount: 342,
    avatarColor: [0xc1, 0x35, 0x84],
  },
  {
    userId: '17841400000000002',
    username: 'sandbox_creator',
    name: 'Sandbox Creator',
    accountType: 'MEDIA_CREATOR',
    followersCount: 98765,
    followsCount: 310,
    mediaCount: 1024,
    avatarColor: [0x40, 0x5d, 0xe6],
  },
  {
    userId: '17841400000000003',
    username: 'zoe_and_co',
    name: 'Zoë & Co <Studio> "Tag"',
    accountType: 'BUSINESS',
    followersCount: 0,
    followsCount: 0,
    mediaCount: 0,
    avatarColor: [0x2e, 0x7d, 0x32],
  },
];

/** The simulated account with this id, if any. */
export function findUser(
  users: readonly SandboxUser[],
  userId: string,
): SandboxUser | undefined {
  return users.find((user) => user.userId === userId);
}

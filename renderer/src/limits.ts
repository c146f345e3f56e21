/**
 * Limits mirrored from the IPC contract. The renderer may import only
 * types from it (a value import would bundle zod), so the numbers are
 * repeated here and a unit test keeps the two equal.
 */

/** Longest text the paste field takes (contract: MAX_PASTE_LENGTH). */
export const MAX_PASTE_LENGTH = 4096;

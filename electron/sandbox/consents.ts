import { randomBytes } from 'node:crypto';

import { HOUR_MS } from '../core/time';
import { type Clock } from '../core/types';

/** An open consent page is answerable for an hour of sandbox time. */
const CONSENT_LIFETIME_MS = HOUR_MS;

/** A validated authorize request waiting for Allow or Deny. */
export interface ConsentRequest {
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  forceReauth: boolean;
  createdAt: number;
}

/** A consent request as validated, before it is stored. */
export type ConsentDetails = Omit<ConsentRequest, 'createdAt'>;

/**
 * Authorize requests kept on the server while the consent page is shown.
 * The form carries only an opaque id, so a tampered form cannot swap the
 * redirect URI or the scopes it was validated with, and each page can be
 * answered once.
 */
export class ConsentRegistry {
  private readonly pending = new Map<string, ConsentRequest>();

  constructor(private readonly clock: Clock) {}

  /** Stores a request and returns the id the form posts back. */
  open(request: ConsentDetails): string {
    const id = randomBytes(16).toString('hex');

    this.dropExpired();
    this.pending.set(id, { ...request, createdAt: this.clock.now() });
    return id;
  }

  /** Takes the request out: a second answer to the same page finds none. */
  take(id: string): ConsentRequest | undefined {
    this.dropExpired();

    const request = this.pending.get(id);

    this.pending.delete(id);
    return request;
  }

  private dropExpired(): void {
    const now = this.clock.now();

    for (const [id, request] of this.pending) {
      if (now - request.createdAt >= CONSENT_LIFETIME_MS)
        this.pending.delete(id);
    }
  }
}

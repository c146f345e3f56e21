/**
 * The Instagram client's public face: build a client, read its errors.
 */
export {
  AVATAR_CONTENT_TYPES,
  AVATAR_MAX_BYTES,
  sniffImageType,
} from './avatar';
export {
  createInstagramClient,
  type InstagramClient,
  type InstagramClientOptions,
  PROFILE_FIELDS,
} from './client';
export {
  describeInstagramError,
  InstagramError,
  type InstagramErrorKind,
  type InstagramOperation,
  TOKEN_INVALID_CODE,
} from './errors';
export {
  DEFAULT_INSTAGRAM_TIMEOUTS,
  type InstagramTimeouts,
  overallDeadlineMs,
} from './http';
export {
  createEnvProxyDispatcher,
  LOOPBACK_HOSTS,
  type ProxyOptions,
} from './proxy';
export {
  LONG_LIVED_FALLBACK_SECONDS,
  MAX_PLAUSIBLE_EXPIRES_IN_SECONDS,
  parseInstagramJson,
} from './schemas';

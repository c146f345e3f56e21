/**
 * A `Logger` that keeps every line in memory, for tests that check what
 * was logged, above all that no token, code or secret ever is.
 *
 *     const lines: LogLine[] = [];
 *     const logger = recordingLogger(lines);
 *     // ... run the code under test with `logger` ...
 *     expect(JSON.stringify(lines)).not.toContain(token);
 */
import { type Logger } from '../../electron/core/logger';

/** One line as it was logged, fields included. */
export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger, and its children, appending every line to `lines`. */
export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };

  return logger;
}

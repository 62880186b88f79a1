import { pino, type Logger, type LevelWithSilent } from 'pino';
import { currentContext } from './context.js';

export type { Logger } from 'pino';

/** Paths never written to a log, whatever object they appear in. */
const REDACTED = [
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.token',
  'apiKey',
  'secret',
  'password',
  'AUDIT_SIGNING_KEY',
  '*.AUDIT_SIGNING_KEY',
];

/** Structured JSON logs; each line carries the request or job id of the current context. */
export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED, censor: '[redacted]' },
      mixin() {
        const context = currentContext();
        return context
          ? { requestId: context.requestId, clientRequestId: context.clientRequestId, jobId: context.jobId }
          : {};
      },
    },
    destination,
  );
}

import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Structured JSON logs. Known secret-bearing keys are censored wherever they appear; code
 * never logs request URLs (they carry `secret-key`) or bodies (they may carry a password).
 */
export function createLogger(level: string, dest?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'vcc-notify' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'url', '*.url', 'secret', '*.secret', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  }, dest ?? pino.destination({ dest: 1, sync: false }));
}

import pino from 'pino';

/**
 * The console's structured log: one JSON object per line on stdout, its level from
 * SWITCHBOARD_LOG_LEVEL (default "info"). Secrets never go in: request headers are not logged,
 * and the fields that could carry one are redacted should a caller pass them anyway.
 */
export const logger = pino({
  level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'info',
  base: { service: 'switchboard' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: {
    paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie', 'secret', '*.secret'],
    censor: '[redacted]',
  },
});

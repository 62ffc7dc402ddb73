/** pino JSON logger. Secrets (passwords, tokens) are redacted wherever they appear in log objects. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = ['pw', 'password', 'token', '*.pw', '*.password', '*.token', 'packet.pw', 'req.headers.authorization', 'headers.authorization', 'req.headers.cookie', 'headers.cookie', 'currentPassword', 'newPassword'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } }, destination);
}

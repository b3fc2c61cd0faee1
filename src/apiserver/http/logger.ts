// ApiLogger is the narrow logger the HTTP layer needs; pino's Logger satisfies it.
export interface ApiLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

// stderrLogger logs errors as JSON lines on stderr and drops info; the default when none is given.
export const stderrLogger: ApiLogger = {
  info() { /* dropped */ },
  error(obj, msg) { process.stderr.write(JSON.stringify({ level: 'error', ...obj, ...(msg ? { msg } : {}) }) + '\n'); },
};

/**
 * Structured fields for one log line: a JSON line gets them as its own keys (`event`,
 * `workerId`), while a text line leaves them out, since Gunicorn's lines carry only the message.
 * A class rather than a plain object, so the text format can tell fields from an argument the
 * caller wants printed.
 */
export class LogFields {
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(fields: Readonly<Record<string, unknown>>) {
    this.fields = fields;
  }
}

/**
 * @example
 * log.info('Booting worker 1 with pid: 42', logFields({ event: 'worker.spawned', workerId: 1 }));
 * // text: '[...] [7] [INFO] Booting worker 1 with pid: 42'
 * // json: {"time":"...","level":"INFO","pid":7,"msg":"Booting worker 1 with pid: 42","event":"worker.spawned","workerId":1}
 */
export function logFields(fields: Readonly<Record<string, unknown>>): LogFields {
  return new LogFields(fields);
}

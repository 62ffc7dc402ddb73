/** What the group-commit writer needs from an InfluxDB family (1.x raw HTTP, 2.x/3.x through the official client). */

/** Sends one line-protocol body; retry, batching and acknowledgement are the writer's business. */
export interface WriteTransport {
  /**
   * POST the UTF-8 line-protocol body with millisecond precision; resolves on a 2xx answer.
   * @throws InfluxWriteError whose `kind` decides what the writer does next.
   */
  write(body: Buffer): Promise<void>;
  /** Create the target database if it is missing (1.x only; 2.x buckets are provisioned by operators). */
  ensureDatabase?(): Promise<void>;
  /** Where writes go, for logs. */
  readonly target: string;
}

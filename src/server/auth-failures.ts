/** Failed device logins per key (IP or MN) in a sliding minute; past the limit the connection is closed. */
export class AuthFailures {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Record a failure; true when the key is now over the limit. */
  fail(key: string, now: number): boolean {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    list.push(now);
    this.hits.set(key, list);
    return list.length > this.limit;
  }

  prune(now: number): void {
    for (const [key, list] of this.hits) if (list.every((t) => now - t >= this.windowMs)) this.hits.delete(key);
  }
}

import { mongoose, type Connection } from '../../src/platform/db/index.js';

export const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

export const summary = (values: number[]) =>
  `p50 ${pct(values, 50).toFixed(1)} ms, p99 ${pct(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;

/** Commands sent to the database, by `<command> <collection> {filter keys}`, with their total time. */
export class CommandCounter {
  private readonly counts = new Map<string, { n: number; ms: number }>();
  private readonly started = new Map<number, { key: string; t: number }>();

  /** Opens a connection like `connectMongo` does, with command monitoring on. */
  async connect(uri: string): Promise<Connection> {
    const connection = mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: 5000,
      retryWrites: false,
      maxPoolSize: 50,
      monitorCommands: true,
    });
    await connection.asPromise();
    const client = connection.getClient();
    client.on('commandStarted', (e) => {
      const cmd = e.command as Record<string, unknown>;
      const first = (list: unknown) => (Array.isArray(list) ? (list[0] as { q?: unknown }).q : undefined);
      const filter = (cmd.filter ?? cmd.query ?? first(cmd.updates) ?? first(cmd.deletes)) as
        Record<string, unknown> | undefined;
      const coll = typeof cmd[e.commandName] === 'string' ? String(cmd[e.commandName]) : '';
      const keys = filter ? `{${Object.keys(filter).join(',')}}` : '';
      this.started.set(e.requestId, { key: `${e.commandName} ${coll} ${keys}`, t: performance.now() });
    });
    const done = (e: { requestId: number }) => {
      const s = this.started.get(e.requestId);
      if (!s) return;
      this.started.delete(e.requestId);
      const entry = this.counts.get(s.key) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - s.t;
      this.counts.set(s.key, entry);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
    return connection;
  }

  reset(): void {
    this.counts.clear();
  }

  /** One line per command kind, per `per` units of work (e.g. per timer fired). */
  report(per: number): string {
    return [...this.counts.entries()]
      .filter(([key]) => !/^(hello|ping|isMaster|getMore|endSessions)/.test(key))
      .sort(([, a], [, b]) => b.ms - a.ms)
      .map(
        ([key, v]) =>
          `  ${key.padEnd(48)} ${(v.n / per).toFixed(2)} per firing, mean ${(v.ms / v.n).toFixed(1)} ms`,
      )
      .join('\n');
  }
}

// Counts what a system sends its store, for the intake benches: commands, and bytes written.
import { mongoose, type mongo } from '../../src/platform/db/index.js';

/** Connection upkeep and cursor paging, left out as in profile.ts: not work a report causes. */
const UPKEEP = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'getMore', 'endSessions', 'killCursors']);
const WRITES = new Set(['insert', 'update', 'findAndModify', 'delete']);

/**
 * Sees every command a connection sends (give {@link CommandMeter.onCommand} as the connection's
 * `onCommand`: the runtime's one connection serves its API, workers and background loops alike) and
 * counts them while a phase runs. Bytes written are the BSON size of each write command's body: the
 * documents inserted, the updates with their filters, the deletes' filters, plus a few dozen bytes of
 * envelope (`$db`, `lsid`) per command; an approximation of what the store must decode and write.
 */
export class CommandMeter {
  commands = 0;
  bytesWritten = 0;
  /** When the last write command was sent (performance.now()); reads of idle sweeps do not count. */
  lastWriteAt = 0;
  private counting = false;
  private startedAt = 0;

  readonly onCommand = (event: mongo.CommandStartedEvent): void => {
    if (!this.counting || UPKEEP.has(event.commandName)) return;
    this.commands += 1;
    if (WRITES.has(event.commandName)) {
      this.bytesWritten += mongoose.mongo.BSON.calculateObjectSize(event.command);
      this.lastWriteAt = performance.now();
    }
  };

  /** Starts a phase from zero. */
  start(): void {
    this.commands = 0;
    this.bytesWritten = 0;
    this.startedAt = performance.now();
    this.lastWriteAt = this.startedAt;
    this.counting = true;
  }

  /** Ends the phase: what it counted, per report. */
  stop(reports: number): { commandsPerReport: number; bytesPerReport: number; seconds: number } {
    this.counting = false;
    return {
      seconds: (performance.now() - this.startedAt) / 1000,
      commandsPerReport: reports > 0 ? this.commands / reports : NaN,
      bytesPerReport: reports > 0 ? this.bytesWritten / reports : NaN,
    };
  }
}

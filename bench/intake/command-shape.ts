// The shape of a database command, for the intake benches: `find incidents {_id}`.
import type { mongo } from '../../src/platform/db/index.js';

/** The command, its collection and the keys of its filter (or how many documents it carries). */
export function commandShape(event: mongo.CommandStartedEvent): string {
  const command = event.command as Record<string, unknown>;
  const target = command[event.commandName];
  const collection = typeof target === 'string' ? target : '';
  const keysOf = (filter: unknown): string =>
    filter && typeof filter === 'object' ? `{${Object.keys(filter).join(',')}}` : '';
  const updates = command.updates as Array<{ q?: unknown; u?: unknown }> | undefined;
  const deletes = command.deletes as Array<{ q?: unknown }> | undefined;
  const documents = command.documents as unknown[] | undefined;
  const detail =
    keysOf(command.filter ?? command.query) ||
    (updates ? `${keysOf(updates[0]?.q)} ${keysOf(updates[0]?.u)} x${updates.length}` : '') ||
    (deletes ? `${keysOf(deletes[0]?.q)} x${deletes.length}` : '') ||
    (documents ? `x${documents.length}` : '');
  return `${event.commandName} ${collection} ${detail}`;
}

import { scopeOf, type Actor } from '../auth/index.js';
import type { AuditEvent } from '../audit/index.js';
import type { IncidentUpdate } from '../incidents/index.js';
import { bureauActor, bureauLens, bureauProjection } from './bureau-timeline.js';
import type { WorkflowWriter } from './workflow-writer.js';
import { emptyWorklog, type IncidentWorklog, type WorkflowIncident } from './workflow.types.js';

/** Where the timeline reads the worklogs (notes) of the incident and its merged duplicates. */
export interface WorklogReader {
  worklogsOf(incidentIds: readonly string[]): Promise<Map<string, IncidentWorklog>>;
}

/** Where the timeline reads the bureau's follow-ups of incidents (intake's records of them). */
export interface FollowUpReader {
  historyOf(
    incidents: ReadonlyArray<{ id: string; updateCount: number }>,
  ): Promise<Map<string, IncidentUpdate[]>>;
}

/** Where the timeline reads an incident's audit events (the audit service). */
export interface AuditReader {
  forSubject(type: string, id: string): Promise<AuditEvent[]>;
}

/** One line of an incident's timeline. */
export interface TimelineEntry {
  at: string;
  kind: 'event' | 'note' | 'update';
  /** The incident the entry belongs to (a merged duplicate's history shows under the survivor). */
  incident: { id: string; ref: string };
  action: string;
  /** Who did it; for a bureau, null when it was the CERT or the system. */
  by: { userId: string; name: string; role: string } | null;
  text: string | null;
  data: Record<string, unknown>;
}

const iso = (at: Date | string): string => new Date(at).toISOString();

/**
 * The incident's history in time order: its audit events (every change, clock event and escalation),
 * its notes and the bureau's follow-ups, and the same for every duplicate merged into it. A reporter
 * gets their bureau's share (see bureau-timeline.ts): no notes, nothing of the CERT's internal work.
 */
export class TimelineService {
  constructor(
    private readonly writer: WorkflowWriter,
    private readonly audit: AuditReader,
    private readonly worklogs: WorklogReader,
    private readonly followUps: FollowUpReader,
  ) {}

  async timeline(actor: Actor, id: string): Promise<TimelineEntry[]> {
    const incident = await this.writer.read(scopeOf(actor), id);
    const merged = await Promise.all(
      incident.merged.map((m) => this.writer.repository.findById(scopeOf(actor), m.id)),
    );
    const sources = [incident, ...merged.filter((m): m is WorkflowIncident => m !== null)];
    const bureau = actor.role === 'reporter';
    // Notes are the CERT's: a bureau's timeline reads no worklog.
    const [worklogs, followUps] = await Promise.all([
      bureau ? new Map<string, IncidentWorklog>() : this.worklogs.worklogsOf(sources.map((s) => s.id)),
      this.followUps.historyOf(sources),
    ]);
    const entries = (
      await Promise.all(
        sources.map((source) => {
          const updates = followUps.get(source.id) ?? [];
          return bureau
            ? this.bureauEntriesOf(source, updates)
            : this.entriesOf(source, worklogs.get(source.id) ?? emptyWorklog(source.id), updates);
        }),
      )
    ).flat();
    return entries.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Built entry by entry from what the bureau may see, so nothing new reaches it by default. */
  private async bureauEntriesOf(
    incident: WorkflowIncident,
    updates: readonly IncidentUpdate[],
  ): Promise<TimelineEntry[]> {
    const ref = { id: incident.id, ref: incident.ref };
    const lens = bureauLens(incident);
    const events = await this.audit.forSubject('incident', incident.id);
    const entries: TimelineEntry[] = [];
    for (const event of events) {
      const seen = bureauProjection(event, lens);
      if (!seen) continue;
      const { userId, name, role } = event.actor;
      entries.push({
        at: iso(event.at),
        kind: 'event',
        incident: ref,
        action: event.action,
        by: bureauActor({ userId, name, role }),
        text: null,
        data: { changes: seen.changes, ...seen.data },
      });
    }
    for (const update of updates) {
      entries.push({
        at: iso(update.at),
        kind: 'update',
        incident: ref,
        action: 'bureau update',
        by: bureauActor(update.by),
        text: update.note,
        data: { updateId: update.updateId, material: update.material },
      });
    }
    return entries;
  }

  private async entriesOf(
    incident: WorkflowIncident,
    worklog: IncidentWorklog,
    updates: readonly IncidentUpdate[],
  ): Promise<TimelineEntry[]> {
    const ref = { id: incident.id, ref: incident.ref };
    const events = await this.audit.forSubject('incident', incident.id);
    return [
      ...events.map((event): TimelineEntry => ({
        at: iso(event.at),
        kind: 'event',
        incident: ref,
        action: event.action,
        by: { userId: event.actor.userId, name: event.actor.name, role: event.actor.role },
        text: null,
        data: { changes: event.changes, ...event.data },
      })),
      ...worklog.notes.map((note): TimelineEntry => ({
        at: iso(note.at),
        kind: 'note',
        incident: ref,
        action: 'note',
        by: note.by,
        text: note.text,
        data: { noteId: note.noteId },
      })),
      ...updates.map((update): TimelineEntry => ({
        at: iso(update.at),
        kind: 'update',
        incident: ref,
        action: 'bureau update',
        by: update.by,
        text: update.note,
        data: { updateId: update.updateId, material: update.material },
      })),
    ];
  }
}

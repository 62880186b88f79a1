import type { Migration } from '../platform/db/index.js';
import type { IncidentWorklog } from './workflow.types.js';
import type { StoredWorklogFields, WorkflowIncidents } from './workflow-incidents.js';
import type { WorklogRepository } from './worklog.repository.js';

const BATCH = 100;

/** `ours` followed by the entries of `theirs` whose id it does not hold yet. */
function union<T>(ours: readonly T[], theirs: readonly T[], id: (entry: T) => string): T[] {
  const held = new Set(ours.map(id));
  return [...ours, ...theirs.filter((entry) => !held.has(id(entry)))];
}

/** The worklog's lists with the incident's entries added (a worklog written first keeps its own). */
function merged(stored: StoredWorklogFields, worklog: IncidentWorklog | null) {
  return {
    notes: union(worklog?.notes ?? [], stored.notes, (n) => n.noteId),
    tasks: union(worklog?.tasks ?? [], stored.tasks, (t) => t.taskId),
    links: union(worklog?.links ?? [], stored.links, (l) => l.id),
  };
}

/**
 * Incidents as the version before worklogs stored them: their notes, tasks and links move to the
 * incident's worklog (`incident_worklogs`), then leave the incident. Worklog first, so a crash in
 * between leaves both copies and a repeat finds every entry already there (merged by id) and only
 * drops the incident's. Their audit events were chained when they were added: the move adds none
 * (the migration's own `system.migrated` says it happened). The incident's revision does not move.
 */
export function worklogsMigration(incidents: WorkflowIncidents, worklogs: WorklogRepository): Migration {
  return {
    id: '2026-12-incident-worklogs',
    description: 'notes, tasks and links move from the incident to its worklog (incident_worklogs)',
    async run() {
      let changed = 0;
      for (let pass = 0; pass < 5; pass++) {
        let left = 0;
        for await (const batch of incidents.withWorklogFields(BATCH)) {
          for (const stored of batch) {
            const worklog = await worklogs.find(stored.id);
            const lists = merged(stored, worklog);
            const written = await worklogs.write(stored.id, stored.bureauId, worklog?.revision ?? 0, {
              set: lists,
              audit: [],
            });
            // Another writer came first: the next pass merges into what it wrote.
            if (!written) {
              left++;
              continue;
            }
            await incidents.dropWorklogFields(stored.id);
            changed++;
          }
        }
        if (left === 0) return { changed };
      }
      throw new Error('worklogs kept changing while incidents were migrated; run `govcert migrate` again');
    },
  };
}

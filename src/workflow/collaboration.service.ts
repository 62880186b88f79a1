import { randomUUID } from 'node:crypto';
import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import { readDecideWrite } from '../platform/db/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/index.js';
import { assigneeOf, type UserDirectory } from './workflow.service.js';
import type { WorkflowWriter } from './workflow-writer.js';
import {
  emptyWorklog,
  type Assignee,
  type IncidentLink,
  type IncidentNote,
  type IncidentTask,
  type IncidentWorklog,
  type PostIncident,
  type WorkflowIncident,
} from './workflow.types.js';
import { checkWorklogGrowth } from './worklog-limits.js';
import type { WorklogChange, WorklogRepository } from './worklog.repository.js';

/** A new task. */
export interface TaskInput {
  title: string;
  assigneeId?: string;
  dueAt?: Date;
}

/** Changes to a task; `null` clears the assignee or due time. */
export interface TaskPatch {
  title?: string;
  assigneeId?: string | null;
  dueAt?: Date | null;
  done?: boolean;
}

/** An incident and its worklog, as a note, task or link write leaves them. */
export interface WorkedIncident {
  incident: WorkflowIncident;
  worklog: IncidentWorklog;
}

/** A worklog change decided from the incident and its worklog as read. */
type WorklogPlan = (incident: WorkflowIncident, worklog: IncidentWorklog) => WorklogChange;

/** How often a worklog write is decided again when another responder's write came first. */
const ATTEMPTS = 8;

/**
 * Notes, tasks, links and the post-incident review: the responders' working record of an incident.
 * Notes, tasks and links live in the incident's worklog (a document of their own): adding one checks
 * the version the responder holds on the incident (a stale one is a 412, as everywhere) but does not
 * move it, so a colleague's note never turns the next claim or transition into a 412.
 */
export class CollaborationService {
  constructor(
    private readonly writer: WorkflowWriter,
    private readonly users: UserDirectory,
    private readonly worklogs: WorklogRepository,
  ) {}

  /** The worklog of an incident the caller has already read in scope. */
  async worklogOf(incidentId: string): Promise<IncidentWorklog> {
    return (await this.worklogs.find(incidentId)) ?? emptyWorklog(incidentId);
  }

  /** The worklogs of incidents the caller has already read in scope, by incident id. */
  async worklogsOf(incidentIds: readonly string[]): Promise<Map<string, IncidentWorklog>> {
    const found = await this.worklogs.findMany(incidentIds);
    return new Map(incidentIds.map((id) => [id, found.find((w) => w.incidentId === id) ?? emptyWorklog(id)]));
  }

  private draft(actor: Actor, incident: WorkflowIncident, action: string, data: Record<string, unknown>) {
    return auditDraft(
      actor,
      action,
      { type: 'incident', id: incident.id, ref: incident.ref },
      { bureauId: incident.bureauId, data },
    );
  }

  /**
   * Reads the incident at the caller's version (412 when stale) and its worklog, decides the change,
   * and writes it on the worklog's own version: a lost race decides again from a fresh read.
   */
  private async record(
    actor: Actor,
    id: string,
    version: number,
    plan: WorklogPlan,
  ): Promise<WorkedIncident> {
    const incident = await this.writer.readCurrent(scopeOf(actor), id, version);
    const worklog = await readDecideWrite({
      read: () => this.worklogOf(incident.id),
      decide: (current) => {
        const change = plan(incident, current);
        checkWorklogGrowth(incident.ref, current, change);
        return { write: change };
      },
      write: (change, current) =>
        this.worklogs.write(incident.id, incident.bureauId, current.revision, change),
      attempts: ATTEMPTS,
      exhausted: () => new ConflictError('The incident is changing too fast; retry.', 'busy'),
    });
    return { incident, worklog };
  }

  private async user(id: string | undefined | null, path: string): Promise<Assignee | null> {
    if (!id) return null;
    const user = await this.users.get(id);
    if (!user) throw new ValidationError([{ path, message: 'unknown user' }]);
    return { userId: user.id, name: user.name, role: user.role };
  }

  addNote(actor: Actor, id: string, version: number, text: string): Promise<WorkedIncident> {
    const note: IncidentNote = { noteId: randomUUID(), at: new Date(), by: assigneeOf(actor), text };
    return this.record(actor, id, version, (incident) => ({
      push: { notes: [note] },
      audit: [this.draft(actor, incident, 'incident.note_added', { noteId: note.noteId, text })],
    }));
  }

  async addTask(actor: Actor, id: string, version: number, input: TaskInput): Promise<WorkedIncident> {
    const now = new Date();
    const task: IncidentTask = {
      taskId: randomUUID(),
      title: input.title,
      assignee: await this.user(input.assigneeId, 'body.assigneeId'),
      dueAt: input.dueAt ?? null,
      done: false,
      doneAt: null,
      createdAt: now,
      createdBy: assigneeOf(actor),
    };
    return this.record(actor, id, version, (incident) => ({
      push: { tasks: [task] },
      audit: [this.draft(actor, incident, 'incident.task_added', { taskId: task.taskId, title: task.title })],
    }));
  }

  async updateTask(
    actor: Actor,
    id: string,
    version: number,
    taskId: string,
    patch: TaskPatch,
  ): Promise<WorkedIncident> {
    const assignee =
      patch.assigneeId === undefined ? undefined : await this.user(patch.assigneeId, 'body.assigneeId');
    return this.record(actor, id, version, (incident, worklog) => {
      const task = worklog.tasks.find((t) => t.taskId === taskId);
      if (!task) throw new NotFoundError('Task');
      const next: IncidentTask = { ...task };
      if (patch.title !== undefined) next.title = patch.title;
      if (assignee !== undefined) next.assignee = assignee;
      if (patch.dueAt !== undefined) next.dueAt = patch.dueAt;
      if (patch.done !== undefined && patch.done !== task.done) {
        next.done = patch.done;
        next.doneAt = patch.done ? new Date() : null;
      }
      return {
        set: { tasks: worklog.tasks.map((t) => (t.taskId === taskId ? next : t)) },
        audit: [this.draft(actor, incident, 'incident.task_updated', { taskId, patch: { ...patch } })],
      };
    });
  }

  /** Links two incidents both ways is not atomic: the link is recorded on this incident only. */
  async link(
    actor: Actor,
    id: string,
    version: number,
    otherId: string,
    reason: string | undefined,
  ): Promise<WorkedIncident> {
    if (otherId === id)
      throw new ValidationError([{ path: 'body.incidentId', message: 'an incident cannot link to itself' }]);
    const other = await this.writer.read(scopeOf(actor), otherId);
    const link: IncidentLink = {
      id: other.id,
      ref: other.ref,
      reason: reason ?? null,
      at: new Date(),
      by: assigneeOf(actor),
    };
    return this.record(actor, id, version, (incident, worklog) => {
      if (worklog.links.some((l) => l.id === other.id)) {
        return { audit: [this.draft(actor, incident, 'incident.linked', { linked: other.id, again: true })] };
      }
      return {
        push: { links: [link] },
        audit: [this.draft(actor, incident, 'incident.linked', { linked: other.id, ref: other.ref })],
      };
    });
  }

  /** Fills in the post-incident review (fields merged; what is not sent is kept). */
  setPostIncident(actor: Actor, id: string, version: number, input: PostIncident): Promise<WorkflowIncident> {
    return this.writer.mutate(scopeOf(actor), id, version, (incident) => {
      const postIncident = { ...incident.postIncident, ...input };
      const draft = auditDraft(
        actor,
        'incident.post_incident_updated',
        { type: 'incident', id: incident.id, ref: incident.ref },
        {
          bureauId: incident.bureauId,
          changes: [{ field: 'postIncident', before: incident.postIncident, after: postIncident }],
        },
      );
      return { change: { set: { postIncident }, audit: [draft] } };
    });
  }
}

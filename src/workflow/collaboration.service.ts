import { randomUUID } from 'node:crypto';
import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import { NotFoundError, ValidationError } from '../platform/index.js';
import { assigneeOf, type UserDirectory } from './workflow.service.js';
import type { PlannedChange, WorkflowWriter } from './workflow-writer.js';
import type {
  Assignee,
  IncidentLink,
  IncidentNote,
  IncidentTask,
  PostIncident,
  WorkflowIncident,
} from './workflow.types.js';

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

const both = { revision: true, clockSeq: false };

/** Notes, tasks, links and the post-incident review: the responders' working record of an incident. */
export class CollaborationService {
  constructor(
    private readonly writer: WorkflowWriter,
    private readonly users: UserDirectory,
  ) {}

  private planned(
    actor: Actor,
    incident: WorkflowIncident,
    action: string,
    set: Record<string, unknown>,
    push: Record<string, unknown[]>,
    data: Record<string, unknown>,
  ): PlannedChange {
    const draft = auditDraft(
      actor,
      action,
      { type: 'incident', id: incident.id, ref: incident.ref },
      { bureauId: incident.bureauId, data },
    );
    return { change: { set, push, bump: both, audit: [draft] } };
  }

  private async user(id: string | undefined | null, path: string): Promise<Assignee | null> {
    if (!id) return null;
    const user = await this.users.get(id);
    if (!user) throw new ValidationError([{ path, message: 'unknown user' }]);
    return { userId: user.id, name: user.name, role: user.role };
  }

  addNote(actor: Actor, id: string, version: number, text: string): Promise<WorkflowIncident> {
    const note: IncidentNote = { noteId: randomUUID(), at: new Date(), by: assigneeOf(actor), text };
    return this.writer.mutate(scopeOf(actor), id, version, (incident) =>
      this.planned(
        actor,
        incident,
        'incident.note_added',
        {},
        { notes: [note] },
        { noteId: note.noteId, text },
      ),
    );
  }

  async addTask(actor: Actor, id: string, version: number, input: TaskInput): Promise<WorkflowIncident> {
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
    return this.writer.mutate(scopeOf(actor), id, version, (incident) =>
      this.planned(
        actor,
        incident,
        'incident.task_added',
        {},
        { tasks: [task] },
        { taskId: task.taskId, title: task.title },
      ),
    );
  }

  async updateTask(
    actor: Actor,
    id: string,
    version: number,
    taskId: string,
    patch: TaskPatch,
  ): Promise<WorkflowIncident> {
    const assignee =
      patch.assigneeId === undefined ? undefined : await this.user(patch.assigneeId, 'body.assigneeId');
    return this.writer.mutate(scopeOf(actor), id, version, (incident) => {
      const task = incident.tasks.find((t) => t.taskId === taskId);
      if (!task) throw new NotFoundError('Task');
      const next: IncidentTask = { ...task };
      if (patch.title !== undefined) next.title = patch.title;
      if (assignee !== undefined) next.assignee = assignee;
      if (patch.dueAt !== undefined) next.dueAt = patch.dueAt;
      if (patch.done !== undefined && patch.done !== task.done) {
        next.done = patch.done;
        next.doneAt = patch.done ? new Date() : null;
      }
      const tasks = incident.tasks.map((t) => (t.taskId === taskId ? next : t));
      return this.planned(
        actor,
        incident,
        'incident.task_updated',
        { tasks },
        {},
        { taskId, patch: { ...patch } },
      );
    });
  }

  /** Links two incidents both ways is not atomic: the link is recorded on this incident only. */
  async link(
    actor: Actor,
    id: string,
    version: number,
    otherId: string,
    reason: string | undefined,
  ): Promise<WorkflowIncident> {
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
    return this.writer.mutate(scopeOf(actor), id, version, (incident) => {
      if (incident.links.some((l) => l.id === other.id)) {
        return this.planned(actor, incident, 'incident.linked', {}, {}, { linked: other.id, again: true });
      }
      return this.planned(
        actor,
        incident,
        'incident.linked',
        {},
        { links: [link] },
        { linked: other.id, ref: other.ref },
      );
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
      return { change: { set: { postIncident }, bump: both, audit: [draft] } };
    });
  }
}

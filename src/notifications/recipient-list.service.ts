import { LRUCache } from 'lru-cache';
import { auditDraft } from '../audit/index.js';
import type { Actor, Bureau } from '../auth/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/index.js';
import type { NotificationRecipient } from './notification.types.js';
import type { RecipientListRepository } from './recipient-list.repository.js';
import type { PolicyRouteUse, RecipientList, RecipientListInput } from './recipient-list.types.js';

/** Bureaux as the notification module needs them (the auth module's BureauService fits). */
export interface BureauContacts {
  getBureau(code: string): Promise<Bureau | null>;
}

/** Routes resolved to recipients; `unresolved` names the routes that led nowhere, with why. */
export interface Resolution {
  recipients: NotificationRecipient[];
  unresolved: Array<{ route: string; reason: string }>;
}

/** Route names that mean "the bureau's own contacts" rather than a stored list. */
const BUREAU_ROUTES = new Set(['reporting-bureau', 'director-of-bureau']);

/**
 * Recipient lists (partners, duty staff) as data, and the resolution of route names, as policies and
 * the workflow name them, to addresses: `reporting-bureau` and `director-of-bureau` are the incident's
 * bureau contacts (the director route prefers contacts whose role names a director or commander),
 * `bureau:<code>` any bureau's contacts, anything else a list slug.
 */
export class RecipientListService {
  /**
   * Lists looked up lately, found or not (`list: null`), for the notifications' routing (`recent`):
   * every notification a report owes resolves its routes, which cost the store a read each. An
   * advisory send reads them fresh. A change made here, creating a list included, is seen here at
   * once; one made in another process within the TTL. Misses are kept too: a policy route naming a list
   * no one has created cost every report a read (1 of 9.4 commands a report filed on its own cost in
   * `bench/intake`), and a list created in another process is then as late as a list changed there.
   */
  private readonly lookedUp = new LRUCache<string, { list: RecipientList | null }>({ max: 500, ttl: 10_000 });

  /**
   * @param activeRoutes the routes the active policy sends mail to (a list one of them names cannot be
   *   disabled); none given, as in the CLI, checks nothing.
   */
  constructor(
    private readonly repository: RecipientListRepository,
    private readonly bureaux: BureauContacts,
    private readonly activeRoutes: () => readonly PolicyRouteUse[] = () => [],
  ) {}

  /**
   * Creates or replaces a list; audited as `recipient_list.updated` with before and after. A disabled
   * list stays disabled.
   */
  async upsert(actor: Actor, slug: string, input: RecipientListInput): Promise<RecipientList> {
    const before = await this.repository.findBySlug(slug);
    const list: RecipientList = {
      slug,
      ...input,
      updatedAt: new Date(),
      disabledAt: before?.disabledAt ?? null,
    };
    const draft = auditDraft(
      actor,
      'recipient_list.updated',
      { type: 'system', id: `recipient-list:${slug}` },
      {
        changes: [{ field: 'list', before: before ? { ...before } : null, after: { ...input } }],
      },
    );
    const written = await this.repository.upsert(list, draft);
    this.lookedUp.delete(slug);
    return written;
  }

  list(): Promise<RecipientList[]> {
    return this.repository.list();
  }

  /** The list with this slug; 404 when there is none. */
  async require(slug: string): Promise<RecipientList> {
    const list = await this.repository.findBySlug(slug);
    if (!list) throw new NotFoundError(`Recipient list ${slug}`);
    return list;
  }

  /**
   * Disables or enables a list. A disabled list keeps its members and history, but routes naming it
   * resolve to no one (an advisory to it is refused naming it), so a list the active policy mails is
   * refused (409 `list_in_use`, naming the rules): its mail would silently reach nobody. Asking for the
   * state it is in changes nothing. Audited as `recipient_list.disabled` / `recipient_list.enabled`.
   */
  async setDisabled(actor: Actor, slug: string, disabled: boolean): Promise<RecipientList> {
    const current = await this.require(slug);
    if ((current.disabledAt !== null) === disabled) return current;
    if (disabled) {
      const use = this.activeRoutes().find((r) => r.route === slug);
      if (use) {
        throw new ConflictError(
          `The active policy sends mail to ${slug} (${use.usedBy.join(', ')}): it cannot be disabled.`,
          'list_in_use',
        );
      }
    }
    const at = disabled ? new Date() : null;
    const draft = auditDraft(
      actor,
      disabled ? 'recipient_list.disabled' : 'recipient_list.enabled',
      { type: 'system', id: `recipient-list:${slug}`, ref: current.name },
      { changes: [{ field: 'disabledAt', before: current.disabledAt, after: at }] },
    );
    const written = await this.repository.setDisabled(slug, at, draft);
    this.lookedUp.delete(slug);
    if (!written) throw new NotFoundError(`Recipient list ${slug}`);
    return written;
  }

  /** True when the route names a stored list (not the incident's or a named bureau's contacts). */
  isListRoute(route: string): boolean {
    return !BUREAU_ROUTES.has(route) && !route.startsWith('bureau:');
  }

  /** The routes, of those given, that name a list no one has created yet. */
  async missing(routes: readonly string[]): Promise<string[]> {
    // A disabled list reaches no one: for the routes that name it, it is as good as missing.
    const existing = new Set(
      (await this.repository.list()).filter((l) => l.disabledAt === null).map((l) => l.slug),
    );
    return routes.filter((route) => this.isListRoute(route) && !existing.has(route));
  }

  /** Resolves routes to recipients (deduplicated by address, first route wins). */
  async resolve(
    routes: readonly string[],
    context: {
      bureauId?: string | null;
      /** A list looked up in this process in the last seconds, found or not, will do (the notifications' routing). */
      recent?: boolean;
    } = {},
  ): Promise<Resolution> {
    const recipients = new Map<string, NotificationRecipient>();
    const unresolved: Resolution['unresolved'] = [];
    for (const route of routes) {
      const found = await this.resolveOne(route, context.bureauId ?? null, context.recent ?? false);
      if (typeof found === 'string') unresolved.push({ route, reason: found });
      else for (const r of found) if (!recipients.has(r.address)) recipients.set(r.address, r);
    }
    return { recipients: [...recipients.values()], unresolved };
  }

  /** Like {@link resolve}, but a route that leads nowhere is a 422 naming it. */
  async resolveAll(
    routes: readonly string[],
    context: { bureauId?: string | null } = {},
  ): Promise<NotificationRecipient[]> {
    const { recipients, unresolved } = await this.resolve(routes, context);
    if (unresolved.length > 0) {
      throw new ValidationError(unresolved.map((u) => ({ path: `lists.${u.route}`, message: u.reason })));
    }
    return recipients;
  }

  private async resolveOne(
    route: string,
    bureauId: string | null,
    recent: boolean,
  ): Promise<NotificationRecipient[] | string> {
    if (BUREAU_ROUTES.has(route) || route.startsWith('bureau:')) {
      const code = route.startsWith('bureau:') ? route.slice('bureau:'.length) : bureauId;
      if (!code) return 'no bureau to take contacts from';
      const bureau = await this.bureaux.getBureau(code);
      if (!bureau) return `bureau ${code} does not exist`;
      let contacts = bureau.contacts;
      if (route === 'director-of-bureau') {
        const senior = contacts.filter((c) => /director|commander/i.test(c.role));
        if (senior.length > 0) contacts = senior;
      }
      if (contacts.length === 0) return `bureau ${code} has no contacts`;
      return contacts.map((c) => ({
        address: c.email.toLowerCase(),
        name: c.name,
        organisation: bureau.name,
        circle: 'constituent' as const,
        kind: 'list' as const,
        via: route,
      }));
    }
    const list = recent ? await this.findRecent(route) : await this.repository.findBySlug(route);
    if (!list) return `no recipient list "${route}"`;
    if (list.disabledAt) return `recipient list "${route}" is disabled`;
    return list.members.map((m) => ({
      address: m.address.toLowerCase(),
      name: m.name,
      organisation: list.organisation,
      circle: list.circle,
      kind: 'list' as const,
      via: route,
    }));
  }

  private async findRecent(slug: string): Promise<RecipientList | null> {
    const cached = this.lookedUp.get(slug);
    if (cached) return cached.list;
    const list = await this.repository.findBySlug(slug);
    this.lookedUp.set(slug, { list });
    return list;
  }
}

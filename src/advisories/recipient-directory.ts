import type { Bureau, User } from '../auth/index.js';
import type { RecipientList } from '../notifications/index.js';
import type { RecipientCircle } from './tlp.js';

/** Where the directory reads who an address belongs to (the auth and notifications services fit). */
export interface DirectorySources {
  bureaux: { list(): Promise<Bureau[]> };
  users: { findByEmail(email: string): Promise<User | null> };
  lists: { list(): Promise<RecipientList[]> };
}

/** What the system knows about one address: its organisation and circle, and where that came from. */
export interface DirectoryEntry {
  address: string;
  name: string;
  organisation: string;
  circle: RecipientCircle;
  /** `staff` (a user), `bureau:<code>` (a bureau contact) or `list:<slug>` (a recipient list member). */
  source: string;
}

/** Widest audience first: when an address is known several ways, the widest classification holds. */
const EXPOSURE: readonly RecipientCircle[] = ['public', 'community', 'partner', 'constituent', 'internal'];

const wider = (a: DirectoryEntry, b: DirectoryEntry): DirectoryEntry =>
  EXPOSURE.indexOf(b.circle) < EXPOSURE.indexOf(a.circle) ? b : a;

/**
 * The recipient directory: the organisation and circle of an address come from what the CERT
 * administers (staff users, bureau contacts, recipient lists), never from the request that names it.
 * An address on a public list stays public however it is named.
 */
export class RecipientDirectory {
  constructor(
    private readonly sources: DirectorySources,
    private readonly senderOrganisation: string,
  ) {}

  /** Entries of the addresses the directory knows (lower-cased keys); unknown addresses are absent. */
  async lookup(addresses: readonly string[]): Promise<Map<string, DirectoryEntry>> {
    const wanted = new Set(addresses.map((a) => a.toLowerCase()));
    const found = new Map<string, DirectoryEntry>();
    const add = (entry: DirectoryEntry): void => {
      if (!wanted.has(entry.address)) return;
      const known = found.get(entry.address);
      found.set(entry.address, known ? wider(known, entry) : entry);
    };
    const [bureaux, lists, users] = await Promise.all([
      this.sources.bureaux.list(),
      this.sources.lists.list(),
      Promise.all([...wanted].map((address) => this.sources.users.findByEmail(address))),
    ]);
    const bureauName = new Map(bureaux.map((b) => [b.code, b.name]));
    for (const bureau of bureaux) {
      for (const contact of bureau.contacts) {
        const address = contact.email.toLowerCase();
        add({
          address,
          name: contact.name,
          organisation: bureau.name,
          circle: 'constituent',
          source: `bureau:${bureau.code}`,
        });
      }
    }
    for (const list of lists) {
      for (const member of list.members) {
        const address = member.address.toLowerCase();
        add({
          address,
          name: member.name,
          organisation: list.organisation,
          circle: list.circle,
          source: `list:${list.slug}`,
        });
      }
    }
    for (const user of users) {
      if (!user) continue;
      const staff = user.role !== 'reporter';
      add({
        address: user.email.toLowerCase(),
        name: user.name,
        organisation: staff
          ? this.senderOrganisation
          : (bureauName.get(user.bureauId ?? '') ?? user.bureauId ?? 'unknown'),
        circle: staff ? 'internal' : 'constituent',
        source: staff ? 'staff' : `bureau:${user.bureauId ?? ''}`,
      });
    }
    return found;
  }
}

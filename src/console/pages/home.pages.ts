import { contactsStanding, CONTACTS_CONFIRM_DAYS, type BureauService } from '../../auth/index.js';
import { definePage, type AnyPage } from '../page.js';

export interface HomePageDeps {
  bureaux: Pick<BureauService, 'getBureau'>;
}

/**
 * The console's start page: who is signed in, in which role and bureau, and where to go; for a reporter,
 * a reminder when their bureau's contacts have not been confirmed for 180 days.
 */
export function homePages(deps: HomePageDeps): AnyPage[] {
  return [
    definePage({
      method: 'get',
      path: '/console',
      permission: 'self.read',
      handler: async ({ person }) => {
        const bureau = person.bureauId ? await deps.bureaux.getBureau(person.bureauId) : null;
        return {
          view: 'home',
          title: 'home.title',
          data: {
            name: person.name,
            roleKey: `roles.${person.role}`,
            bureau: bureau ? `${bureau.name} (${bureau.code})` : null,
            cert: person.role !== 'reporter',
            // A reporter is reminded here when their bureau's contacts are due for confirmation.
            contactsReminder:
              person.role === 'reporter' && bureau !== null && contactsStanding(bureau).confirmationDue
                ? { days: CONTACTS_CONFIRM_DAYS }
                : null,
          },
        };
      },
    }),
  ];
}

import type { BureauService } from '../../auth/index.js';
import { definePage, type AnyPage } from '../page.js';

export interface HomePageDeps {
  bureaux: Pick<BureauService, 'getBureau'>;
}

/** The console's start page: who is signed in, in which role and bureau, and where to go. */
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
          },
        };
      },
    }),
  ];
}

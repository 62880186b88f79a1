import { expect } from 'chai';
import { PERMISSIONS, ROLES, roleHas, type Role } from '../../../src/platform/index.js';
import { buildApp } from '../../../src/app.js';
import type { AnyRoute } from '../../../src/platform/http/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

const DUMMY_ID = '0123456789abcdef01234567';

/** The route's path with every `:param` filled with a dummy ObjectId. */
function concretePath(route: AnyRoute): string {
  return route.path.replace(/:(\w+)(\([^)]*\))?\??/g, DUMMY_ID);
}

function label(route: AnyRoute): string {
  return `${route.method.toUpperCase()} ${route.path} [${route.permission}]`;
}

/**
 * Every registered route, every role: reads the routes from the running system, so routes that
 * other modules add later are covered without touching this file.
 */
describe('Every role against every registered route', () => {
  let runtime: TestRuntime;
  const actors = new Map<Role, TestActor>();

  before(async () => {
    runtime = await startTestRuntime('routeperm', { RATE_LIMIT_PER_MINUTE: '1000000' });
    for (const role of ROLES) actors.set(role, await createActor(runtime, { role }));
  });

  after(async () => {
    await runtime.stop();
  });

  it('when the system is assembled, then every route declares a known permission', () => {
    expect(runtime.modules.routes.length).to.be.greaterThan(0);
    const known = new Set<string>([...PERMISSIONS, 'public']);
    const unknown = runtime.modules.routes.filter((route) => !known.has(route.permission)).map(label);
    expect(unknown).to.deep.equal([]);
  });

  it('when a route without a permission is added to the assembled system, then the app refuses to build', () => {
    const unguarded = {
      method: 'get',
      path: '/x',
      summary: 'x',
      handler: () => Promise.resolve({}),
    } as unknown as AnyRoute;
    const { config, logger, metrics } = runtime.platform;
    const routes = [...runtime.modules.routes, unguarded];
    expect(() => buildApp({ config, logger, metrics, routes, access: runtime.modules.access })).to.throw(
      /GET \/x declares no permission/,
    );
  });

  it('when a protected route is called without a key, then it is 401', async () => {
    const wrong: string[] = [];
    for (const route of runtime.modules.routes.filter((r) => r.permission !== 'public')) {
      const answer = await call(runtime.url, route.method.toUpperCase(), concretePath(route));
      if (answer.status !== 401) wrong.push(`${label(route)} -> ${answer.status}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  for (const role of ROLES) {
    it(`when the ${role} role calls each route, then it is 403 exactly where the matrix denies it`, async () => {
      const actor = actors.get(role);
      if (!actor) throw new Error(`no ${role} actor`);
      const wrong: string[] = [];
      for (const route of runtime.modules.routes) {
        const answer = await call(runtime.url, route.method.toUpperCase(), concretePath(route), {
          key: actor.key,
        });
        const allowed = route.permission === 'public' || roleHas(role, route.permission);
        const refused = answer.status === 401 || answer.status === 403;
        if (allowed ? refused : answer.status !== 403) {
          wrong.push(`${label(route)} -> ${answer.status} (expected ${allowed ? 'not 401/403' : '403'})`);
        }
      }
      expect(wrong).to.deep.equal([]);
    });
  }
});

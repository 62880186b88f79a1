import { expect } from 'chai';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

type Operation = {
  'x-permission': string;
  requestBody?: unknown;
  parameters: Array<{ name: string; in: string }>;
};
type Doc = { openapi: string; paths: Partial<Record<string, Partial<Record<string, Operation>>>> };

describe('OpenAPI document', () => {
  let runtime: TestRuntime;
  before(async () => {
    runtime = await startTestRuntime('openapi');
  });
  after(async () => {
    await runtime.stop();
  });

  it('when fetched without a key, then it describes every registered route with its permission', async () => {
    const answer = await call<Doc>(runtime.url, 'GET', '/api/v1/openapi.json');
    expect(answer.status).to.equal(200);
    expect(answer.body.openapi).to.equal('3.1.0');
    for (const route of runtime.modules.routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(answer.body.paths[path]?.[route.method]?.['x-permission'], path).to.equal(route.permission);
    }
    const read = answer.body.paths['/api/v1/incidents/{id}']?.get;
    expect(read?.parameters.map((p) => [p.name, p.in])).to.deep.equal([['id', 'path']]);
    expect(answer.body.paths['/api/v1/incidents']?.post?.requestBody).to.be.an('object');
  });
});

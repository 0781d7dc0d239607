import { hostname } from 'node:os';
import { loadConfig } from './load-config';
import { defaultNodeId } from './node-id.util';

describe('defaultNodeId', () => {
  it('is the same for every start of one gateway (hostname and port), so a restart finds its own leases', () => {
    expect(defaultNodeId(8080, {})).toBe(`${hostname()}-8080`);
    expect(defaultNodeId(8080, {})).toBe(defaultNodeId(8080, {}));
  });

  it('tells two gateways on one machine apart by their port, and PM2 workers sharing a port by their number', () => {
    expect(defaultNodeId(8080, {})).not.toBe(defaultNodeId(8081, {}));
    expect(defaultNodeId(8080, { NODE_APP_INSTANCE: '2' })).toBe(`${hostname()}-8080-2`);
  });

  it('is what the config uses unless NODE_ID is set', () => {
    const base = { DATABASE_URL: 'postgresql://localhost/x', AUTHENTICATION_API_KEY: 'k', PORT: '9123' };
    expect(loadConfig(base).cluster.nodeId).toBe(`${hostname()}-9123`);
    expect(loadConfig({ ...base, NODE_ID: 'node-a' }).cluster.nodeId).toBe('node-a');
  });
});

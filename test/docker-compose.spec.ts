import { execFileSync, spawnSync } from 'node:child_process';

/** `docker compose config` (or the standalone docker-compose) must accept our compose file. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  return undefined;
}

describe('docker-compose.yml', () => {
  it('is accepted by the compose CLI and defines the full stack with healthchecks', () => {
    const cmd = composeCommand();
    if (!cmd) throw new Error('no compose CLI found: install docker compose (or Debian docker-compose); .ci/run does');
    const out = execFileSync(cmd[0], [...cmd.slice(1), '-f', 'docker-compose.yml', 'config'], {
      env: { ...process.env, AUTHENTICATION_API_KEY: 'test-key' },
    }).toString();
    for (const service of ['postgres:', 'redis:', 'gateway:', 'worker:']) expect(out).toContain(service);
    expect(out).toContain('noeviction');
    expect(out).toContain('AUTHENTICATION_API_KEY: test-key');
    expect(out.match(/healthcheck:/g)?.length).toBeGreaterThanOrEqual(3);
  });
});

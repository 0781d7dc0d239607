import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nodeCommandOf } from '../libs/testing/src/harness/start-script';

/**
 * The gateway runs with the same node options however it is started: `npm start` (package.json,
 * which the test and bench harness reads too), the Docker image's CMD, and compose's worker.
 * The options are measured (README, "Measured"): a test that passes against a process tuned
 * differently from the one users run would measure nothing.
 */
describe('start commands', () => {
  const gateway = nodeCommandOf('start');
  const worker = nodeCommandOf('start:worker');

  it('the Docker image runs the gateway exactly as npm start does', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const cmds = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)].map((m) => JSON.parse(m[1]) as string[]);
    expect(cmds.at(-1)).toEqual(['node', ...gateway.flags, gateway.main]);
  });

  it("compose's worker runs the worker exactly as npm run start:worker does", () => {
    const compose = readFileSync('docker-compose.yml', 'utf8');
    const commands = [...compose.matchAll(/^\s+command: (\["node".*\])$/gm)].map((m) => JSON.parse(m[1]) as string[]);
    expect(commands).toContainEqual(['node', ...worker.flags, worker.main]);
  });

  it("keeps the gateway's new space from shrinking below its working size, and this node accepts the flag", () => {
    // In a quiet spell V8's memory reducer shrinks the young generation to 1 MB, and a fleet's next
    // burst ran its first second about twice as slow (bench/fleet --idle-seconds).
    const flag = gateway.flags.find((f) => f.startsWith('--min-semi-space-size='));
    expect(flag).toBeDefined();
    const mb = Number(flag!.split('=')[1]);
    expect(mb).toBeGreaterThanOrEqual(8);
    const probe = "const s=require('v8').getHeapSpaceStatistics().find((x)=>x.space_name==='new_space');process.stdout.write(String(s.space_size))";
    const newSpace = (flags: string[]) => Number(execFileSync(process.execPath, [...flags, '-e', probe]).toString());
    expect(newSpace(gateway.flags)).toBeGreaterThanOrEqual(mb * 1024 * 1024);
    expect(newSpace([])).toBeLessThan(mb * 1024 * 1024); // the flag is what sets it
  });
});

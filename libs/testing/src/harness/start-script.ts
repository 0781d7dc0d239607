import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeCommand {
  /** Node's own options (V8 flags) placed before the entry script. */
  flags: string[];
  /** The entry script, relative to the project root. */
  main: string;
}

/**
 * How package.json's `start` / `start:worker` run their process: the last `node …` command of the
 * script. Tests and benches start the gateway with these flags so they measure what `npm start`
 * (and the Dockerfile, which a spec keeps in step) runs, not a differently tuned process.
 */
export function nodeCommandOf(script: 'start' | 'start:worker', root = process.cwd()): NodeCommand {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const line = pkg.scripts?.[script];
  if (!line) throw new Error(`package.json has no "${script}" script`);
  const last = line.split('&&').pop()!.trim().split(/\s+/);
  if (last[0] !== 'node' || last.length < 2) throw new Error(`package.json "${script}" must end with "node [flags] <entry>", got: ${line}`);
  const main = last[last.length - 1];
  const flags = last.slice(1, -1);
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) throw new Error(`package.json "${script}": "${bad}" is not a node option`);
  return { flags, main };
}

/**
 * What a heap holds, by constructor / node type, and what grew between two snapshots of the same
 * process (e.g. no instance vs N idle instances): self sizes, not retained sizes, so each byte is
 * counted once and the per-instance figures add up.
 *
 *   node dist/bench/support/heap-snapshot.summary.js <before.heapsnapshot> <after.heapsnapshot> [--per N] [--top 40]
 */
import { readFileSync } from 'node:fs';
import { arg } from './bench.util';

interface Totals {
  [key: string]: { count: number; bytes: number };
}

function summarise(file: string): Totals {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const fields: string[] = meta.node_fields;
  const types: string[] = meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const nodes: number[] = snap.nodes;
  const strings: string[] = snap.strings;
  const totals: Totals = {};
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    // objects and closures by name; strings, arrays, code etc. by their type
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type}:${strings[nodes[i + nameAt]]}` : `(${type})`;
    const t = (totals[key] ??= { count: 0, bytes: 0 });
    t.count += 1;
    t.bytes += nodes[i + sizeAt];
  }
  return totals;
}

function main() {
  const [before, after] = process.argv.slice(2).filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const per = Number(arg('per', '1'));
  const top = Number(arg('top', '40'));
  const a = summarise(before);
  const b = after ? summarise(after) : {};
  const rows = Object.keys({ ...a, ...b }).map((k) => {
    const x = a[k] ?? { count: 0, bytes: 0 };
    const y = b[k] ?? { count: 0, bytes: 0 };
    return after ? { key: k, count: (y.count - x.count) / per, bytes: (y.bytes - x.bytes) / per } : { key: k, ...x };
  });
  rows.sort((p, q) => q.bytes - p.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`${after ? `growth${per > 1 ? ` per 1/${per}` : ''}` : 'heap'}: ${(total / 1024).toFixed(1)} KB`);
  for (const r of rows.slice(0, top)) console.log(`${(r.bytes / 1024).toFixed(1).padStart(10)} KB ${r.count.toFixed(1).padStart(10)}  ${r.key}`);
}

main();

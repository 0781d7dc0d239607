import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs in a plain Node process, as the gateway does: Jest's module sandbox snapshots builtin
 * exports, so the swap withSharedAsyncContext makes is only visible to ES modules outside it.
 */
const script = `
  import { createRequire } from 'node:module';
  const require = createRequire(${JSON.stringify(join(process.cwd(), 'package.json'))});
  const { withSharedAsyncContext } = require(${JSON.stringify(join(process.cwd(), 'dist/libs/common/src/shared-async-context.js'))});
  const baileys = await import('@whiskeysockets/baileys');
  const silent = { level: 'silent', child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const memory = { get: async () => ({}), set: async () => undefined };
  const opts = { maxCommitRetries: 1, delayBetweenTriesMs: 0 };
  // On Node 20 every enabled AsyncLocalStorage leaves one symbol-keyed slot on each new promise.
  const slots = () => Object.getOwnPropertySymbols(Promise.resolve()).length;
  const transact = (keys) => keys.transaction(async () => {
    await keys.set({ session: { peer: null } });
    await new Promise((r) => setImmediate(r));
    return keys.isInTransaction();
  }, 'peer');
  const run = async (make) => {
    const before = slots();
    const inside = [];
    for (let i = 0; i < 10; i++) {
      const keys = make();
      inside.push(await transact(keys), keys.isInTransaction());
    }
    return { added: slots() - before, inside };
  };
  // Baileys enables two module-level storages of its own on first use: that is not per socket.
  await transact(baileys.addTransactionCapability(memory, silent, opts));
  const plain = await run(() => baileys.addTransactionCapability(memory, silent, opts));
  const shared = await run(() => withSharedAsyncContext(() => baileys.addTransactionCapability(memory, silent, opts)));
  console.log(JSON.stringify({ shared, plain }));
`;

describe("Baileys' per-socket AsyncLocalStorage under withSharedAsyncContext (real Node, real Baileys)", () => {
  it('keeps transactions working while 10 key stores add one async-context slot per promise, not 10', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    const { shared, plain } = JSON.parse(stdout.trim().split('\n').pop()!);
    const inTxThenOut = Array.from({ length: 10 }, () => [true, false]).flat();
    expect(shared.inside).toEqual(inTxThenOut);
    expect(plain.inside).toEqual(inTxThenOut);
    expect(shared.added).toBeLessThanOrEqual(1);
    expect(plain.added).toBe(10); // the control: one slot per storage, never released
  });
});

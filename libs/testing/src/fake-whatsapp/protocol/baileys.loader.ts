/**
 * Baileys v7 is an ES module while this repo compiles to CommonJS. A value import would
 * become require(), which Jest cannot load, so the runtime is always pulled in through a
 * dynamic import() (kept as-is under `module: node20`) and cached here. Types are
 * imported with `import type` elsewhere.
 */
export type BaileysModule = typeof import('@whiskeysockets/baileys');

let cached: Promise<BaileysModule> | undefined;

export function loadBaileys(): Promise<BaileysModule> {
  cached ??= import('@whiskeysockets/baileys');
  return cached;
}

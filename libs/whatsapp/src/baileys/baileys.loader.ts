/**
 * Baileys 7 is an ES module and this project compiles to CommonJS. A dynamic import()
 * (kept as-is by TypeScript under module node20) loads it both in Node and in Jest
 * (--experimental-vm-modules). Every runtime use of Baileys goes through here.
 */
import { installFastAgreement } from './x25519-agreement';
import { installNativeXeddsaVerify } from './xeddsa-verify';

export type Baileys = typeof import('@whiskeysockets/baileys');

let loading: Promise<Baileys> | undefined;

export function loadBaileys(): Promise<Baileys> {
  if (!loading) {
    installNativeXeddsaVerify();
    installFastAgreement();
    loading = import('@whiskeysockets/baileys');
  }
  return loading;
}

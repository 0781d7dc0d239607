import type { FakeWhatsAppServer, RealisticAccountPlan } from '@gw/testing';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { arg } from './bench.util';

/** The realistic account's sizes from the command line (--contacts, --chats, --groups, and the history size under `historyOption`). */
export function accountSizes(historyOption: string) {
  return {
    contacts: Number(arg('contacts', '300')),
    chats: Number(arg('chats', '100')),
    messages: Number(arg(historyOption, '3000')),
    groups: Number(arg('groups', '10')),
  };
}

/** One incoming message: who writes to which chat of the account. */
export interface Injection {
  to: string;
  from: string;
  group?: string;
}

/**
 * Who sends message i to the account: 4 in 5 from its first `senders` 1:1 contacts, every fifth
 * one a member of one of its first `groups` groups, in a group.
 */
export function injector(plan: RealisticAccountPlan, senders: number, groups = plan.groups.length): (i: number) => Injection {
  const direct = plan.contactPhones.slice(0, senders);
  const groupSends = plan.groups.slice(0, groups).flatMap((g) => g.members.map((m) => ({ to: g.id, from: m, group: g.id })));
  return (i) =>
    i % 5 === 4 && groupSends.length
      ? groupSends[Math.floor(i / 5) % groupSends.length]
      : { to: plan.phone, from: direct[(Math.floor(i / 5) * 4 + (i % 5)) % direct.length] };
}

/** Each sender `injector` uses, once: their first message sets up the Signal session (pkmsg / sender key). */
export function everySender(plan: RealisticAccountPlan, senders: number, groups = plan.groups.length): Injection[] {
  return [
    ...plan.contactPhones.slice(0, senders).map((from) => ({ to: plan.phone, from })),
    ...plan.groups.slice(0, groups).flatMap((g) => g.members.map((m) => ({ to: g.id, from: m, group: g.id }))),
  ];
}

/** Message `IB<n>` of the injection, Signal-encrypted by the peer now; calling the result writes it to the account's devices. */
export function prepareInjection(fake: FakeWhatsAppServer, s: Injection, n: number): Promise<() => unknown> {
  return fake.prepareMessage(s.to, s.from, { conversation: `bench message ${n}` }, { id: `IB${n}`, ...(s.group ? { group: s.group } : {}) });
}

/** Messages encrypted between two turns of the event loop while preparing ahead. */
const PREPARE_CHUNK = 25;

/**
 * Encrypts `count` messages ahead, in order. Signal encryption resolves in microtasks only, so a
 * long run of it starves the event loop: the fake server (same process) then answers no
 * keep-alive, and after 35 s the gateway's watchdog restarts every socket. Yielding a macrotask
 * every few messages keeps the server answering.
 */
export async function prepareAhead(count: number, prepare: (k: number) => Promise<() => unknown>): Promise<(() => unknown)[]> {
  const out: (() => unknown)[] = [];
  for (let k = 0; k < count; k++) {
    out.push(await prepare(k));
    if ((k + 1) % PREPARE_CHUNK === 0) await nextMacrotask();
  }
  return out;
}

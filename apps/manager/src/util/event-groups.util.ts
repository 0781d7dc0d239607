import { EVENT_NAMES, EVENT_WIRE_NAMES, type EventName } from '../../../../libs/events/src/event-catalogue';

/** The webhook catalogue's names (one source: libs/events), grouped for the events checklist. */
export interface EventGroup {
  label: string;
  events: EventName[];
}

const GROUPS: [string, RegExp][] = [
  ['Instance and connection', /^(application|instance|qrcode|connection|status|logout|remove|new)\./],
  ['Messages', /^(messages|send)\./],
  ['Contacts and presence', /^(contacts|presence)\./],
  ['Chats', /^chats\./],
  ['Groups', /^(groups|group-participants)\./],
  ['Calls and labels', /^(call|labels)/],
];

export function eventGroups(): EventGroup[] {
  const groups: EventGroup[] = GROUPS.map(([label]) => ({ label, events: [] }));
  const other: EventGroup = { label: 'Other', events: [] };
  for (const name of EVENT_NAMES) {
    const index = GROUPS.findIndex(([, pattern]) => pattern.test(EVENT_WIRE_NAMES[name]));
    (index >= 0 ? groups[index] : other).events.push(name);
  }
  return [...groups, other].filter((g) => g.events.length);
}

/** Every wire name (`messages.upsert`), for the monitor's filter. */
export const WIRE_NAMES: string[] = EVENT_NAMES.map((n) => EVENT_WIRE_NAMES[n]);

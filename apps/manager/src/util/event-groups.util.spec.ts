import { EVENT_NAMES } from '../../../../libs/events/src/event-catalogue';
import { eventGroups } from './event-groups.util';

describe('eventGroups', () => {
  it('puts every catalogue event in exactly one group, in catalogue order', () => {
    const grouped = eventGroups().flatMap((g) => g.events);
    expect([...grouped].sort()).toEqual([...EVENT_NAMES].sort());
    expect(new Set(grouped).size).toBe(EVENT_NAMES.length);
    expect(eventGroups().find((g) => g.label === 'Messages')!.events).toEqual(
      expect.arrayContaining(['MESSAGES_UPSERT', 'SEND_MESSAGE', 'SEND_MESSAGE_UPDATE']),
    );
  });
});

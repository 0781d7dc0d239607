import type { PendingPublish } from '@gw/persistence';
import { RabbitmqHandoff } from './rabbitmq-handoff.queue';

const row = (id: string): PendingPublish => ({
  id, instanceId: null, target: 'rabbitmq', event: 'MESSAGES_UPSERT', url: 'amqp:a/a.messages.upsert', sequence: null, body: '{}', attempts: 0, createdAt: new Date(),
});
const ids = (rows: PendingPublish[]) => rows.map((r) => r.id);

describe('RabbitmqHandoff', () => {
  it('an outbox read drops the rows handed over before it began and those it returned, keeps the rest in order', () => {
    const q = new RabbitmqHandoff();
    q.add([row('a'), row('b')]);
    const read = q.beginRead();
    q.add([row('c'), row('d'), row('e')]); // committed while the read ran: it may or may not have seen them
    read.done([row('a'), row('b'), row('c')]);
    expect(ids(q.take(10))).toEqual(['d', 'e']);
  });

  it('a periodic read leaves out the held rows and keeps them queued; a row handed over during it and returned by it is dropped', () => {
    const q = new RabbitmqHandoff();
    q.add([row('a'), row('b')]);
    const poll = q.beginPoll();
    expect(poll.exclude).toEqual(['a', 'b']);
    q.add([row('c'), row('d')]); // committed while the read ran
    poll.done([row('x'), row('c')]); // another node's row, and one it saw
    expect(ids(q.take(10))).toEqual(['a', 'b', 'd']);
  });

  it('a row a read returned and that is handed over only after that read ended is not queued again', () => {
    const q = new RabbitmqHandoff();
    const read = q.beginRead();
    read.done([row('a'), row('b')]); // committed just before the read began; the producer has not handed them over yet
    q.add([row('a'), row('b'), row('c')]);
    expect(ids(q.take(10))).toEqual(['c']);
    const poll = q.beginPoll();
    poll.done([row('d')]);
    q.add([row('d')]);
    expect(q.size).toBe(0);
    expect(q.readWanted).toBe(false);
  });

  it('a redelivery (no rows) or an overflow asks for an outbox read instead of queueing', () => {
    const q = new RabbitmqHandoff();
    q.add([]);
    expect(q.readWanted).toBe(true);
    q.beginRead().done([]);
    expect(q.readWanted).toBe(false);
    q.add(Array.from({ length: 20_001 }, (_, i) => row(`r${i}`)));
    expect(q.size).toBe(0);
    expect(q.readWanted).toBe(true);
  });

  it('arrival() resolves true when rows come, false at its timeout; a newer wait ends the older one', async () => {
    const q = new RabbitmqHandoff();
    const first = q.arrival(60_000);
    const second = q.arrival(60_000);
    await expect(first).resolves.toBe(false);
    q.add([row('x')]);
    await expect(second).resolves.toBe(true);
    q.take(1);
    await expect(q.arrival(5)).resolves.toBe(false);
  });
});

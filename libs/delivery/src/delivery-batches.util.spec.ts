import { DeliveryJob } from './delivery-job';
import { groupIntoBatches } from './delivery-batches.util';

const job = (id: string, over: Partial<DeliveryJob> = {}): DeliveryJob => ({
  deliveryId: id,
  instanceId: 'i',
  instanceName: 'n',
  webhookId: 'w1',
  target: 'instance',
  event: 'MESSAGES_UPSERT',
  url: 'http://r/hook',
  headers: {},
  body: '{"x":1}',
  sequence: null,
  enqueuedAt: 0,
  ...over,
});
const ids = (jobs: DeliveryJob[]) => jobs.map((j) => j.deliveryId);

describe('groupIntoBatches', () => {
  it('groups first attempts whatever their webhook (instance or global, any URL), in publish order', () => {
    const { singles, batches } = groupIntoBatches([
      job('a'),
      job('b', { webhookId: 'w2', scheduleMs: [1000] }),
      job('c', { url: 'http://r/hook/messages-update' }),
      job('d', { target: 'global', webhookId: null }),
      job('e'),
    ]);
    expect(batches.map(ids)).toEqual([['a', 'b', 'c', 'd', 'e']]);
    expect(singles).toEqual([]);
  });

  it('leaves a lone delivery single', () => {
    const { singles, batches } = groupIntoBatches([job('a', { laneKey: 'L' }), job('b', { webhookId: 'w2' })]);
    expect(batches).toEqual([]);
    expect(ids(singles)).toEqual(['a', 'b']);
  });

  it('keeps ordered deliveries single: their lane queues them one at a time', () => {
    const { singles, batches } = groupIntoBatches([job('a', { laneKey: 'L' }), job('b', { laneKey: 'L' }), job('c'), job('d')]);
    expect(batches.map(ids)).toEqual([['c', 'd']]);
    expect(ids(singles)).toEqual(['a', 'b']);
  });

  it('cuts a group at the count bound', () => {
    const jobs = Array.from({ length: 7 }, (_, i) => job(`j${i}`));
    const { singles, batches } = groupIntoBatches(jobs, { maxDeliveries: 3, maxBytes: 1 << 20 });
    expect(batches.map(ids)).toEqual([['j0', 'j1', 'j2'], ['j3', 'j4', 'j5']]);
    expect(ids(singles)).toEqual(['j6']);
  });

  it('cuts a group at the byte bound; a body over the bound alone goes single', () => {
    const body = (n: number) => 'x'.repeat(n);
    const { singles, batches } = groupIntoBatches(
      [job('a', { body: body(400) }), job('b', { body: body(400) }), job('c', { body: body(400) }), job('big', { body: body(1200) }), job('d', { body: body(100) })],
      { maxDeliveries: 10, maxBytes: 1000 },
    );
    expect(batches.map(ids)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(ids(singles)).toEqual(['big']);
  });

  it('batches nothing when the count bound is 1', () => {
    const { singles, batches } = groupIntoBatches([job('a'), job('b')], { maxDeliveries: 1, maxBytes: 1 << 20 });
    expect(batches).toEqual([]);
    expect(ids(singles)).toEqual(['a', 'b']);
  });
});

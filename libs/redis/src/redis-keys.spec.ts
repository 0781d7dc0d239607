import { QUEUES, redisKeys } from './redis-keys';

/** Key names are a wire format: running nodes, tests and operators' scripts read them. */
describe('redisKeys', () => {
  const keys = redisKeys('gw');

  it('puts every key under the deployment prefix, in the names the cluster already uses', () => {
    expect([
      keys.lease('i1'),
      keys.fence('i1'),
      keys.nodes(),
      keys.lane('w1', '123@s.whatsapp.net'),
      keys.laneMembers(),
      keys.laneMembersIndexed(),
      keys.batched(),
      keys.authFailures('10.0.0.1'),
      keys.idempotency('inst', 'abc'),
      keys.idempotencyIndex('inst'),
      keys.liveControl(),
      keys.liveTopic('instance:alpha'),
    ]).toEqual([
      'gw:lease:i1',
      'gw:fence:i1',
      'gw:nodes',
      'gw:lane:w1:123@s.whatsapp.net',
      'gw:lane-members',
      'gw:lane-members:indexed',
      'gw:batched',
      'gw:authfail:10.0.0.1',
      'gw:idem:inst:abc',
      'gw:idem-index:inst',
      'gw:live:ctl',
      'gw:live:t:instance:alpha',
    ]);
  });

  it('names each queue once', () => {
    expect(QUEUES).toEqual({ webhookDelivery: 'webhook-delivery', metaInbound: 'meta-inbound' });
    expect(new Set(Object.values(QUEUES)).size).toBe(Object.keys(QUEUES).length);
  });
});

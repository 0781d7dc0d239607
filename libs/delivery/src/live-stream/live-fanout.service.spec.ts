import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@gw/config';
import { LiveFanout } from './live-fanout.service';
import { LiveMessage, instanceTopic } from './live-message';

/** Two nodes' fan-outs on the real Redis, as two gateway processes would have them. */
describe('LiveFanout (real Redis)', () => {
  const config = { redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `lf-${randomUUID()}` } } as AppConfig;
  const nodes: LiveFanout[] = [];
  const node = async (onMessage: (m: LiveMessage) => void = () => undefined) => {
    const fanout = new LiveFanout(config);
    nodes.push(fanout);
    await fanout.start((_topic, message) => onMessage(message));
    return fanout;
  };
  afterEach(() => nodes.splice(0).forEach((n) => n.onModuleDestroy()));

  it('when listen() resolves, every node already knows the topic is listened to (no gap for the first event)', async () => {
    const emitters = await Promise.all([node(), node(), node()]);
    let arrived!: (m: LiveMessage) => void;
    const first = new Promise<LiveMessage>((resolve) => (arrived = resolve));
    const listener = await node((m) => arrived(m));
    const topic = instanceTopic(`inst-${randomUUID()}`);
    expect(emitters.some((e) => e.isListened(topic))).toBe(false);

    await listener.listen(topic);

    for (const emitter of emitters) expect(emitter.isListened(topic)).toBe(true);
    emitters[0].publish(topic, { event: 'messages.upsert', audience: 'all', body: '{"n":1}' });
    expect(await first).toEqual({ event: 'messages.upsert', audience: 'all', body: '{"n":1}' });
  });

  it('an emitter stops publishing a topic once nobody receives it, and a new listener revives it', async () => {
    const emitter = await node();
    const listener = await node();
    const topic = instanceTopic(`inst-${randomUUID()}`);
    await listener.listen(topic);
    await listener.unlisten(topic);
    // The next PUBLISH reaches nobody: the emitter forgets the topic.
    emitter.publish(topic, { event: 'x', audience: 'all', body: '{}' });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => !emitter.isListened(topic) && (clearInterval(check), resolve()), 5);
    });
    await listener.listen(topic);
    expect(emitter.isListened(topic)).toBe(true);
  });
});

import { destinationUrl, globalDestination, instanceDestination, parseDestinationUrl } from './rabbitmq-destination';
import { redactUri } from './rabbitmq-channel.service';

describe('RabbitMQ destinations (Evolution v2 names)', () => {
  it('per instance: exchange = instance, queue <instance>.<wire event>, routing key = wire event', () => {
    expect(instanceDestination('sales', 'MESSAGES_UPSERT')).toEqual({ exchange: 'sales', queue: 'sales.messages.upsert', routingKey: 'messages.upsert' });
    expect(instanceDestination('sales', 'GROUP_PARTICIPANTS_UPDATE').queue).toBe('sales.group-participants.update');
  });

  it('global: RABBITMQ_EXCHANGE_NAME, queue <prefix>.<event> or just <event>', () => {
    expect(globalDestination('evolution_exchange', 'evo', 'CONNECTION_UPDATE')).toEqual({
      exchange: 'evolution_exchange',
      queue: 'evo.connection.update',
      routingKey: 'connection.update',
    });
    expect(globalDestination('evolution_exchange', '', 'CONNECTION_UPDATE').queue).toBe('connection.update');
  });

  it('the delivery log url round-trips, also for names with slashes or spaces', () => {
    const d = instanceDestination('a/b c', 'MESSAGES_UPSERT');
    expect(destinationUrl(d)).toBe('amqp:a%2Fb%20c/a%2Fb%20c.messages.upsert');
    expect(parseDestinationUrl(destinationUrl(d), d.routingKey)).toEqual(d);
    expect(parseDestinationUrl('https://example.com/hook', 'x')).toBeNull();
  });

  it('never logs the URI password', () => {
    expect(redactUri('amqp://user:s3cret@broker:5672/vh')).toBe('amqp://user:***@broker:5672/vh');
    expect(redactUri('not a uri')).not.toContain('not a uri');
  });
});

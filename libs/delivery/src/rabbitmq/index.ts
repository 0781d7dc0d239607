export * from './rabbitmq-channel.service';
export * from './rabbitmq-destination';
export * from './rabbitmq-publisher.service';
export * from './rabbitmq-routing.service';

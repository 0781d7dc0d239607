export * from './delivery-job';
export * from './delivery-producer.service';
export * from './delivery.constants';
export * from './delivery.module';
export * from './delivery.processor';
export * from './retry-schedule';
export * from './webhook-http.sender';
export * from './webhook-router.service';

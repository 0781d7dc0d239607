export * from './live-message';
export * from './live-fanout.service';
export * from './live-stream.service';
export * from './websocket-settings.cache';

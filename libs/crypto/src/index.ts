export * from './key-ring';
export * from './secret-cipher';
export * from './token-hash';
export * from './secret-context';
export * from './crypto.module';

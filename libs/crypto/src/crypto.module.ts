import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { KeyRing } from './key-ring';
import { SecretCipher } from './secret-cipher';
import { TokenHasher } from './token-hash';

/** The deployment's key ring and what is built on it, one instance per process. */
@Global()
@Module({
  providers: [
    { provide: KeyRing, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new KeyRing(config.secrets.keys) },
    { provide: SecretCipher, inject: [KeyRing], useFactory: (ring: KeyRing) => new SecretCipher(ring) },
    { provide: TokenHasher, inject: [KeyRing], useFactory: (ring: KeyRing) => new TokenHasher(ring) },
  ],
  exports: [KeyRing, SecretCipher, TokenHasher],
})
export class CryptoModule {}

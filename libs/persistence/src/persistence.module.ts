import { Global, Module } from '@nestjs/common';
import { INSTANCE_LOOKUP } from '@gw/common';
import { AuthStateRepository } from './auth-state.repository';
import { InstanceRepository } from './instance.repository';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    PrismaService,
    InstanceRepository,
    AuthStateRepository,
    { provide: INSTANCE_LOOKUP, useExisting: InstanceRepository },
  ],
  exports: [PrismaService, InstanceRepository, AuthStateRepository, INSTANCE_LOOKUP],
})
export class PersistenceModule {}

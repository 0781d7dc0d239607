import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

/**
 * The fencing token on the Instance row: the lease holder's token, which auth-state writes
 * (AuthStateRepository) must still match. Only ever raised, so a paused former owner stays out.
 */
@Injectable()
export class InstanceFenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async raise(instanceId: string, fence: number): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `UPDATE "Instance" SET "ownerFence" = $2 WHERE "id" = $1::uuid AND "ownerFence" < $2`,
      instanceId,
      fence,
    );
  }
}

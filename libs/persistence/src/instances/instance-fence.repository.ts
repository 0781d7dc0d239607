import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../group-commit.util';
import { PrismaService } from '../prisma.service';

interface FenceRaise {
  instanceId: string;
  fence: number;
}

/**
 * The fencing token on the Instance row: the lease holder's token, which auth-state writes
 * (AuthStateRepository) must still match. Only ever raised, so a paused former owner stays out.
 */
@Injectable()
export class InstanceFenceRepository {
  /** A restore claims a thousand leases: their raises share statements instead of one each. */
  private readonly raises = new GroupCommit<FenceRaise, void>((items) => this.raiseRows(items), {
    maxInFlight: 2,
    maxItems: 500,
    keyOf: (item) => item.instanceId,
  });

  constructor(private readonly prisma: PrismaService) {}

  raise(instanceId: string, fence: number): Promise<void> {
    return this.raises.submit({ instanceId, fence });
  }

  /**
   * The rows are locked FOR UPDATE first: a plain UPDATE of a non-key column would not wait for
   * the key writes in flight, which lock the row FOR KEY SHARE (see AuthStateRepository), and a
   * former owner's write could then land after the raise.
   */
  private async raiseRows(items: FenceRaise[]): Promise<void[]> {
    await this.prisma.pool.query(
      `UPDATE "Instance" i SET "ownerFence" = u.fence
       FROM unnest($1::uuid[], $2::bigint[]) AS u(iid, fence),
            (SELECT "id" FROM "Instance" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE) AS locked
       WHERE i."id" = u.iid AND locked."id" = i."id" AND i."ownerFence" < u.fence`,
      [items.map((i) => i.instanceId), items.map((i) => i.fence)],
    );
    return items.map(() => undefined);
  }
}

import { Injectable } from '@nestjs/common';
import { secretContext } from '@gw/crypto';
import { PrismaService } from '../prisma.service';
import { SecretColumns } from '../secrets/secret-columns.service';

/** What is saved for an instance's proxy; `enabled: false` clears the rest, as Evolution does. */
export interface ProxyInput {
  enabled: boolean;
  host: string;
  port: number | null;
  protocol: string;
  username: string | null;
  password: string | null;
}

/** The stored proxy as the gateway reads it: the password never leaves through this shape. */
export interface StoredProxy {
  id: string;
  instanceId: string;
  enabled: boolean;
  host: string;
  port: number | null;
  protocol: string;
  username: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const PUBLIC = { id: true, instanceId: true, enabled: true, host: true, port: true, protocol: true, username: true, createdAt: true, updatedAt: true } as const;

/** The InstanceProxy row of an instance (one per instance). */
@Injectable()
export class ProxyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretColumns,
  ) {}

  find(instanceId: string): Promise<StoredProxy | null> {
    return this.prisma.instanceProxy.findUnique({ where: { instanceId }, select: PUBLIC });
  }

  /** The enabled proxy with its password, for building the connection; null when none or disabled. */
  async findActive(instanceId: string): Promise<(StoredProxy & { password: string | null }) | null> {
    const row = await this.prisma.instanceProxy.findUnique({ where: { instanceId }, select: { ...PUBLIC, password: true } });
    if (!row?.enabled || !row.host || !row.port) return null;
    return { ...row, password: this.openPassword(instanceId, row.password) };
  }

  async save(instanceId: string, input: ProxyInput): Promise<StoredProxy> {
    const data = { ...input, password: this.sealPassword(instanceId, input.password) };
    return this.prisma.instanceProxy.upsert({ where: { instanceId }, create: { instanceId, ...data }, update: data, select: PUBLIC });
  }

  /** The only place the password is written: encrypted at rest, bound to its instance. */
  private sealPassword(instanceId: string, password: string | null): string | null {
    return this.secrets.cipher.encryptNullable(password, secretContext.proxyPassword(instanceId));
  }

  /** The only place it is read back. */
  private openPassword(instanceId: string, stored: string | null): string | null {
    return this.secrets.cipher.decryptNullable(stored, secretContext.proxyPassword(instanceId));
  }
}

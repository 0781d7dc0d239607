import { Injectable } from '@nestjs/common';
import { secretContext } from '@gw/crypto';
import { GroupCommit } from '../group-commit.util';
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

/** What a connection through the proxy needs (the password decrypted). */
export interface ActiveProxy {
  host: string;
  port: number;
  protocol: string;
  username: string | null;
  password: string | null;
}

type ActiveProxyRow = Pick<StoredProxy, 'enabled' | 'host' | 'port' | 'protocol' | 'username'> & { password: string | null };

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

  /**
   * Looked up at every connect: a restore connects a thousand instances, so the lookups of
   * several instances share one statement.
   */
  private readonly activeLookups = new GroupCommit<string, ActiveProxyRow | null>((ids) => this.activeRows(ids), { maxInFlight: 2, maxItems: 500 });

  /** The enabled proxy with its password, for building the connection; null when none or disabled. */
  async findActive(instanceId: string): Promise<ActiveProxy | null> {
    const row = await this.activeLookups.submit(instanceId);
    if (!row?.enabled || !row.host || !row.port) return null;
    return { host: row.host, port: row.port, protocol: row.protocol, username: row.username, password: this.openPassword(instanceId, row.password) };
  }

  private async activeRows(ids: string[]): Promise<(ActiveProxyRow | null)[]> {
    const { rows } = await this.prisma.pool.query<ActiveProxyRow & { iid: string }>(
      `SELECT "instanceId"::text AS iid, "enabled", "host", "port", "protocol", "username", "password"
       FROM "InstanceProxy" WHERE "instanceId" = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.iid, r]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
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

import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { InstanceLifecycleService, InstanceState, NodeDirectory, QrSnapshot } from '@gw/instances';
import { InstanceWithConfig } from '@gw/persistence';
import { request } from 'undici';

export interface Placed {
  state: InstanceState;
  qr?: QrSnapshot;
}

/** Starts a new instance on the least-loaded live node (this one when it is, or on any doubt). */
@Injectable()
export class InstancePlacement {
  private readonly logger = new Logger('Placement');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly nodes: NodeDirectory,
    private readonly lifecycle: InstanceLifecycleService,
  ) {}

  async connect(instance: InstanceWithConfig, number: string | undefined, waitForQr: boolean): Promise<Placed> {
    const target = await this.nodes.leastLoaded();
    if (target.nodeId !== this.config.cluster.nodeId) {
      const remote = this.connectOn(target.url, instance.name, number).catch((err) => {
        this.logger.warn(`starting ${instance.name} on ${target.nodeId} failed (${(err as Error).message}); starting it here`);
        return undefined;
      });
      if (!waitForQr) {
        void remote.then((r) => r ?? this.local(instance, number, false));
        return { state: 'connecting' };
      }
      const placed = await remote;
      if (placed) return placed;
    }
    return this.local(instance, number, waitForQr);
  }

  private async local(instance: InstanceWithConfig, number: string | undefined, waitForQr: boolean): Promise<Placed> {
    const runtime = await this.lifecycle.connect(instance, number, waitForQr);
    return { state: runtime.state, qr: runtime.qr };
  }

  /** The owner answers GET /instance/connect like any client would see it. */
  private async connectOn(baseUrl: string, name: string, number?: string): Promise<Placed> {
    const query = number ? `?number=${encodeURIComponent(number)}` : '';
    const res = await request(`${baseUrl}${this.config.server.basePath}/instance/connect/${encodeURIComponent(name)}${query}`, {
      headers: { apikey: this.config.auth.apiKey, 'x-gw-forwarded-by': this.config.cluster.nodeId },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const body = (await res.body.json()) as { instance?: { state?: InstanceState } } & Partial<QrSnapshot>;
    if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}`);
    if (body.instance?.state) return { state: body.instance.state };
    return {
      state: 'connecting',
      qr: { pairingCode: body.pairingCode ?? null, code: body.code ?? null, base64: body.base64 ?? null, count: body.count ?? 0 },
    };
  }
}

import { HttpStatus, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { EVENT_SINK, EventName, EventSink, PayloadOf, catalogueEvent, instanceLifecyclePayload, newTokenPayload } from '@gw/events';
import { MediaStorage } from '@gw/media';
import { InstanceRepository, InstanceWithConfig, MessageRepository } from '@gw/persistence';
import { WHATSAPP_ENGINE, WhatsAppEngine } from '@gw/whatsapp';
import { randomUUID } from 'node:crypto';
import { WebhookTargetCache } from '@gw/delivery';
import { InstanceMessenger, SentMessageRecord } from './instance-messenger';
import { InstanceRegistry } from './instance-registry.service';
import { InstanceRuntime } from './instance-runtime';
import { EventPipeline } from './pipeline/event-pipeline.service';
import { InstanceState } from './instance-state';
import type { SendRequest } from './send-request';
import { SendException } from './send.exception';

/** How long connect/create wait for the first QR (Evolution waits a fixed 2-5 s instead). */
const QR_WAIT_MS = 10_000;

/** create / connect / restart / logout / delete, as the instance routes need them; and sending. */
@Injectable()
export class InstanceLifecycleService {
  /** One messenger (send queue) per live runtime; dropped with the runtime. */
  private readonly messengers = new WeakMap<InstanceRuntime, InstanceMessenger>();
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly repository: InstanceRepository,
    @Inject(WHATSAPP_ENGINE) private readonly engine: WhatsAppEngine,
    @Inject(EVENT_SINK) private readonly events: EventSink,
    private readonly targets: WebhookTargetCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly pipelines: EventPipeline,
    @Optional() private readonly storage?: MediaStorage,
  ) {}

  state(instanceId: string): InstanceState {
    return this.registry.get(instanceId)?.state ?? 'close';
  }

  runtime(instanceId: string): InstanceRuntime | undefined {
    return this.registry.get(instanceId);
  }

  /** An instance event outside its runtime (create, delete, token), awaited into the outbox. */
  async emit<K extends EventName>(instance: { id: string; name: string }, name: K, data: PayloadOf<K>, sender?: string) {
    await this.events.publish(catalogueEvent(name, data, { instanceId: instance.id, instanceName: instance.name, sender }));
  }

  /** This node must hold the instance's lease to run it (calls are forwarded to the owner first). */
  private async claim(instance: InstanceWithConfig): Promise<void> {
    if (!(await this.registry.claim(instance.id))) {
      throw new EvolutionException(HttpStatus.CONFLICT, [`The "${instance.name}" instance is running on another node; retry the request`]);
    }
  }

  /** Starts connecting unless already open/connecting; optionally waits for the first QR. */
  async connect(instance: InstanceWithConfig, number?: string, waitForQr = true): Promise<InstanceRuntime> {
    await this.claim(instance);
    const runtime = this.registry.getOrCreate(instance.id, instance.name, instance.integration);
    if (runtime.state === 'open') return runtime;
    if (runtime.state === 'connecting' && !number) {
      // Retrying after a failed attempt: answer with that failure now, not after the next attempt.
      if (!runtime.qr.code && !runtime.lastClose && waitForQr) await runtime.waitForProgress(QR_WAIT_MS);
      return runtime;
    }
    const progress = runtime.waitForProgress(QR_WAIT_MS);
    await runtime.start(number);
    if (waitForQr) await progress;
    return runtime;
  }

  /** Drops the socket and connects again with the stored session (no logout, no new QR). */
  async restart(instance: InstanceWithConfig): Promise<InstanceRuntime> {
    await this.claim(instance);
    const runtime = this.registry.getOrCreate(instance.id, instance.name, instance.integration);
    if (runtime.state !== 'close') await runtime.stop();
    const progress = runtime.waitForProgress(QR_WAIT_MS);
    await runtime.start();
    await progress;
    return runtime;
  }

  /**
   * Unlinks a linked device. An instance that never linked (showing QRs, or retrying a WhatsApp it
   * cannot reach) has nothing to log out: 400, like a closed one, and its linking attempt goes on.
   */
  async logout(instance: InstanceWithConfig): Promise<void> {
    const runtime = this.registry.get(instance.id);
    const linked = async () => !!runtime?.account || (await this.engine.hasStoredSession(instance.id));
    if (!runtime || runtime.state === 'close' || !(await linked())) throw badRequest(`The "${instance.name}" instance is not connected`);
    await runtime.logout();
    await runtime.drained();
    await this.registry.release(instance.id);
  }

  /**
   * Logs out if needed, tells the receivers, then removes every row of the instance and its Redis
   * keys. The lease is held until the rows are gone, so no other node restores it meanwhile.
   */
  async delete(instance: InstanceWithConfig): Promise<void> {
    const runtime = this.registry.get(instance.id);
    if (runtime) {
      if (runtime.state !== 'close') await runtime.logout();
      else await runtime.stop();
      await runtime.drained();
      this.registry.remove(instance.id);
    }
    await this.engine.clearStoredSession(instance.id);
    // Routed before the rows go, so the instance webhook still receives them.
    await this.emit(instance, 'INSTANCE_DELETE', instanceLifecyclePayload(instance));
    await this.emit(instance, 'REMOVE_INSTANCE', null);
    await this.repository.delete(instance.id);
    await this.registry.forget(instance.id);
  }

  async rotateToken(instance: InstanceWithConfig): Promise<string> {
    const token = randomUUID().toUpperCase();
    await this.repository.updateToken(instance.id, token);
    this.targets.invalidate(instance.id);
    await this.emit(instance, 'NEW_TOKEN', newTokenPayload(instance, token));
    return token;
  }

  /** Sends through the instance's queue; rejects with a SendException (mapped to HTTP by the caller). */
  send(instance: { id: string; name: string }, request: SendRequest): Promise<SentMessageRecord> {
    const runtime = this.registry.get(instance.id);
    if (!runtime) return Promise.reject(SendException.notConnected(instance.name, 'close'));
    return this.messengerOf(runtime).send(request);
  }

  private messengerOf(runtime: InstanceRuntime): InstanceMessenger {
    let messenger = this.messengers.get(runtime);
    if (!messenger) {
      const { instanceId } = runtime;
      messenger = new InstanceMessenger({
        instanceId,
        instanceName: runtime.instanceName,
        engine: runtime.session,
        state: () => runtime.state,
        account: () => runtime.account,
        messages: this.messages,
        events: runtime,
        wantsBase64: () => this.pipelines.wantsBase64(instanceId),
        base64MaxBytes: this.config.delivery.base64MaxBytes,
        storage: this.storage,
        minIntervalMs: this.config.messaging.sendMinIntervalMs,
        timeoutMs: this.config.messaging.sendTimeoutMs,
        logger: this.logger,
      });
      this.messengers.set(runtime, messenger);
    }
    return messenger;
  }
}

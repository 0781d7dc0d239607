import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookTargetCache } from '@gw/delivery';
import { EVENT_SINK, EventSink } from '@gw/events';
import { MediaStorage } from '@gw/media';
import { MessageRepository } from '@gw/persistence';
import { KnownJidsRepository, StoreWriter } from '@gw/store';
import { InstanceSettingsStore } from '../settings/instance-settings.store';
import { InstancePipeline, PipelineSource, buildInstancePipeline } from './instance-pipeline';

/**
 * Builds the event pipeline of an instance, for every engine (the Baileys runtime and the
 * Cloud API's inbound notifications alike), from the gateway's store, media storage,
 * settings and event sink.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger('Instances');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    private readonly messages: MessageRepository,
    private readonly targets: WebhookTargetCache,
    private readonly settings: InstanceSettingsStore,
    @Optional() private readonly writer?: StoreWriter,
    @Optional() private readonly storage?: MediaStorage,
    @Optional() private readonly knownJids?: KnownJidsRepository,
  ) {}

  open(instance: { id: string; name: string }, source: PipelineSource): InstancePipeline {
    return buildInstancePipeline({
      instance,
      source,
      settings: () => this.settings.effective(instance.id),
      messages: this.messages,
      recorder: this.writer,
      known: this.knownJids,
      media: { wantsBase64: () => this.wantsBase64(instance.id), base64MaxBytes: this.config.delivery.base64MaxBytes, storage: this.storage },
      sink: this.sink,
      logger: this.logger,
    });
  }

  /** Whether any of the instance's webhooks asks for media as base64 (the router leaves it out for the others). */
  async wantsBase64(instanceId: string): Promise<boolean> {
    const instance = await this.targets.get(instanceId);
    return (instance?.webhooks ?? (instance?.webhook ? [instance.webhook] : [])).some((h) => h.enabled && h.webhookBase64);
  }
}

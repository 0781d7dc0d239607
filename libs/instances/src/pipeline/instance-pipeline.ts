import type { Logger } from '@nestjs/common';
import type { CataloguePublisher, EventName, EventSink, PayloadOf } from '@gw/events';
import type { InstanceSettingsFields, MessageRepository } from '@gw/persistence';
import type { EngineEvent, EngineMessage, MediaDownload } from '@gw/whatsapp';
import { AddressingStage } from './addressing.stage';
import { BatchedPublisher } from './batched-publisher';
import { CatalogueMapper } from './catalogue-mapper.stage';
import type { KnownJidsSource } from './first-sight';
import { MediaKeeper, MediaParts } from './media-parts';
import { SettingsFilter } from './settings-filter.stage';
import { StoreRecorder, StoreStage } from './store.stage';

/** What an engine gives the pipeline of one of its instances. */
export interface PipelineSource {
  /** The media of a message this engine delivered, bounded by maxBytes. */
  downloadMedia(message: EngineMessage, maxBytes: number): Promise<MediaDownload>;
  /** The account's JID once logged in: the `sender` of the instance's events. */
  sender(): string | undefined;
  /** The feed deduplicates messages itself before the pipeline (see StoreStage). */
  deduplicatedByFeed?: boolean;
}

/** Everything an instance's pipeline is built from (EventPipeline gathers it from the gateway). */
export interface PipelineDeps {
  instance: { id: string; name: string };
  source: PipelineSource;
  settings: () => Promise<InstanceSettingsFields>;
  messages: Pick<MessageRepository, 'insertNew' | 'updateStatus'>;
  /** The message store's writer; absent when the gateway runs without the store. */
  recorder?: StoreRecorder;
  /** The store's contacts and chats, to tell first appearances. */
  known?: KnownJidsSource;
  media: { wantsBase64: () => Promise<boolean>; base64MaxBytes: number; storage?: MediaKeeper };
  sink: EventSink;
  logger: Logger;
}

export interface PipelineStages {
  filter: SettingsFilter;
  addressing: AddressingStage;
  store: StoreStage;
  mapper: CatalogueMapper;
}

/**
 * One instance's event pipeline, the same for every engine:
 * filter by settings → addressing (LID ↔ phone) → store → map to catalogue events → publish.
 * Its stages keep what they learn about the instance (LIDs, contacts and chats seen).
 */
export class InstancePipeline implements CataloguePublisher {
  constructor(
    private readonly stages: PipelineStages,
    /** The instance's own publish stage; a feed may pass another one per event (see handle). */
    private readonly publisher: BatchedPublisher,
  ) {}

  /** `out`: where this event's catalogue events go (default: the instance's batched publisher). */
  async handle(event: EngineEvent, out: CataloguePublisher = this.publisher): Promise<void> {
    const { filter, addressing, store, mapper } = this.stages;
    const kept = await filter.apply(event);
    if (!kept) return;
    const addressed = addressing.apply(kept);
    const stored = await store.write(kept, addressed);
    await mapper.map(addressed, stored, out);
  }

  /** Events that do not come from the engine (connection state, sends, API actions), in the same order. */
  publish<K extends EventName>(name: K, data: PayloadOf<K>): void {
    this.publisher.publish(name, data);
  }

  /** Resolves once every event published so far has been handed to the event sink. */
  drained(): Promise<void> {
    return this.publisher.drained();
  }
}

export function buildInstancePipeline(deps: PipelineDeps): InstancePipeline {
  const { instance, source, logger } = deps;
  const base = { instanceId: instance.id, instanceName: instance.name, logger };
  const media = new MediaParts({ ...base, ...deps.media, downloadMedia: (m, maxBytes) => source.downloadMedia(m, maxBytes) });
  const origin = () => ({ instanceId: instance.id, instanceName: instance.name, sender: source.sender() });
  return new InstancePipeline(
    {
      filter: new SettingsFilter(deps.settings),
      addressing: new AddressingStage(),
      store: new StoreStage({ ...base, messages: deps.messages, recorder: deps.recorder, deduplicatedByFeed: source.deduplicatedByFeed }),
      mapper: new CatalogueMapper({ ...base, media, known: deps.known }),
    },
    new BatchedPublisher(deps.sink, origin, logger),
  );
}

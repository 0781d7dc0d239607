import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_SINK, EventSink, applicationStartupPayload, catalogueEvent, parseEventName } from '@gw/events';
import { InstanceRepository } from '@gw/persistence';

/**
 * APPLICATION_STARTUP, which Evolution lists but never sends: once per boot to the global
 * webhook, and to each instance webhook that subscribes to it (explicitly or with "all").
 */
@Injectable()
export class ApplicationStartupNotifier implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');

  constructor(
    @Inject(EVENT_SINK) private readonly events: EventSink,
    private readonly instances: InstanceRepository,
  ) {}

  /**
   * Not awaited: Nest waits for this hook before the API listens, and with a thousand instances
   * the notices are a thousand events (awaited one by one they held the listen back ~3 s).
   */
  onApplicationBootstrap(): void {
    this.sent = this.notify(new Date()).catch((err: unknown) => this.logger.warn(`could not send APPLICATION_STARTUP: ${(err as Error).message}`));
  }

  /** Settles when every notice of this boot is in the outbox (or failed and was logged). */
  sent: Promise<void> = Promise.resolve();

  private async notify(startedAt: Date) {
    const global = { instanceId: '', instanceName: '', audience: 'global' as const };
    const instances = await this.instances.list({});
    // Every publish starts in this tick and Promise.all below takes them all: no rejection is left unhandled.
    const notices = [this.events.publish(catalogueEvent('APPLICATION_STARTUP', applicationStartupPayload(startedAt), global, startedAt))];
    for (const instance of instances) {
      const hook = instance.webhook;
      if (!hook?.enabled) continue;
      const events = (Array.isArray(hook.events) ? hook.events : []).map((e) => parseEventName(String(e)));
      if (events.length && !events.includes('APPLICATION_STARTUP')) continue;
      const origin = { instanceId: instance.id, instanceName: instance.name, sender: instance.ownerJid ?? undefined, audience: 'instance' as const };
      // All at once: the producer writes concurrent publishes in shared outbox INSERTs.
      notices.push(this.events.publish(catalogueEvent('APPLICATION_STARTUP', applicationStartupPayload(startedAt, instance.name), origin, startedAt)));
    }
    await Promise.all(notices);
  }
}

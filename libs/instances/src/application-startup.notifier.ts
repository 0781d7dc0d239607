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

  async onApplicationBootstrap() {
    try {
      await this.notify(new Date());
    } catch (err) {
      this.logger.warn(`could not send APPLICATION_STARTUP: ${(err as Error).message}`);
    }
  }

  private async notify(startedAt: Date) {
    const global = { instanceId: '', instanceName: '', audience: 'global' as const };
    await this.events.publish(catalogueEvent('APPLICATION_STARTUP', applicationStartupPayload(startedAt), global, startedAt));
    for (const instance of await this.instances.list({})) {
      const hook = instance.webhook;
      if (!hook?.enabled) continue;
      const events = (Array.isArray(hook.events) ? hook.events : []).map((e) => parseEventName(String(e)));
      if (events.length && !events.includes('APPLICATION_STARTUP')) continue;
      const origin = { instanceId: instance.id, instanceName: instance.name, sender: instance.ownerJid ?? undefined, audience: 'instance' as const };
      await this.events.publish(catalogueEvent('APPLICATION_STARTUP', applicationStartupPayload(startedAt, instance.name), origin, startedAt));
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_SINK, EventSink, parseEventName } from '@gw/events';
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
    const base = { name: 'APPLICATION_STARTUP' as const, occurredAt: startedAt };
    const data = { status: 'started', startedAt: startedAt.toISOString() };
    await this.events.publish({ ...base, instanceId: '', instanceName: '', data, audience: 'global' });
    for (const instance of await this.instances.list({})) {
      const hook = instance.webhook;
      if (!hook?.enabled) continue;
      const events = (Array.isArray(hook.events) ? hook.events : []).map((e) => parseEventName(String(e)));
      if (events.length && !events.includes('APPLICATION_STARTUP')) continue;
      await this.events.publish({
        ...base,
        instanceId: instance.id,
        instanceName: instance.name,
        sender: instance.ownerJid ?? undefined,
        data: { ...data, instance: instance.name },
        audience: 'instance',
      });
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { RabbitmqRouting } from '@gw/delivery';
import { RabbitmqRepository } from '@gw/persistence';
import { eventIntegrationView, selectedEvents } from '../integrations/event-integration.util';
import type { CreateRabbitmqDto, SetRabbitmqDto } from './dto/set-rabbitmq.dto';

/**
 * Which events of an instance go to its RabbitMQ exchange. As in Evolution: enabled with no
 * events = every event; disabled clears the list; a 400 when the gateway has no RabbitMQ.
 */
@Injectable()
export class RabbitmqConfigService {
  private readonly logger = new Logger('RabbitMQ');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: RabbitmqRepository,
    private readonly routing: RabbitmqRouting,
  ) {}

  async set(instance: { id: string; name: string }, dto: SetRabbitmqDto) {
    this.requireEnabled();
    const { enabled, events } = dto.rabbitmq;
    const names = selectedEvents(enabled, events);
    const row = await this.repo.save(instance.id, enabled, names);
    this.routing.invalidate(instance.id); // takes effect for the very next event
    this.logger.log(`instance ${instance.name}: RabbitMQ ${enabled ? `on for ${names.length} events` : 'off'}`);
    return eventIntegrationView(row);
  }

  /**
   * /instance/create's `rabbitmq`, before anything is saved: turning it on needs a gateway with
   * RabbitMQ (the same 400 as /rabbitmq/set); `enabled: false` is accepted everywhere.
   */
  checkCreate(settings: CreateRabbitmqDto | undefined): void {
    if (settings && (settings.enabled ?? true)) this.requireEnabled();
  }

  /** Saves /instance/create's `rabbitmq` as /rabbitmq/set would (Evolution's create: on unless `enabled: false`). */
  async applyCreate(instance: { id: string; name: string }, settings: CreateRabbitmqDto | undefined): Promise<{ enabled: boolean } | undefined> {
    if (!settings) return undefined;
    const enabled = settings.enabled ?? true;
    if (this.config.rabbitmq.enabled) await this.set(instance, { rabbitmq: { enabled, events: settings.events } });
    return { enabled };
  }

  async find(instance: { id: string }) {
    this.requireEnabled();
    const row = await this.repo.find(instance.id);
    return row ? eventIntegrationView(row) : null;
  }

  private requireEnabled() {
    if (!this.config.rabbitmq.enabled) throw badRequest('RabbitMQ is disabled on this gateway (set RABBITMQ_ENABLED=true and RABBITMQ_URI)');
  }
}

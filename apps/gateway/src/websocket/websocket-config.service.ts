import { Injectable, Logger } from '@nestjs/common';
import { WebsocketSettingsCache } from '@gw/delivery';
import { WebsocketRepository } from '@gw/persistence';
import { eventIntegrationView, selectedEvents } from '../integrations/event-integration.util';
import type { SetWebsocketDto } from './dto/set-websocket.dto';

/**
 * Which events of an instance its socket.io namespace streams to apps. As in Evolution: enabled
 * with no events = every event; disabled clears the list. Stored even while WEBSOCKET_ENABLED is
 * off (Evolution then drops the call), so turning the switch on needs no reconfiguration.
 */
@Injectable()
export class WebsocketConfigService {
  private readonly logger = new Logger('Websocket');

  constructor(
    private readonly repo: WebsocketRepository,
    private readonly settings: WebsocketSettingsCache,
  ) {}

  async set(instance: { id: string; name: string }, dto: SetWebsocketDto) {
    const { enabled, events } = dto.websocket;
    const names = selectedEvents(enabled, events);
    const row = await this.repo.save(instance.id, enabled, names);
    this.settings.invalidate(instance.id); // takes effect for the very next event on this node
    this.logger.log(`instance ${instance.name}: websocket ${enabled ? `on for ${names.length} events` : 'off'}`);
    return eventIntegrationView(row);
  }

  async find(instance: { id: string }) {
    const row = await this.repo.find(instance.id);
    return row ? eventIntegrationView(row) : null;
  }
}

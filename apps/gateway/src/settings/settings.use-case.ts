import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_SETTINGS, InstanceLifecycleService, InstanceSettingsStore } from '@gw/instances';
import { SetSettingsDto } from './dto/set-settings.dto';
import { settingsView, toSettingsFields } from './settings.mapper';

type Target = { id: string; name: string };

/**
 * /settings/set and /settings/find. The running session reads the settings through the
 * same store, so a change applies to the next event; alwaysOnline also applies at once.
 */
@Injectable()
export class SettingsUseCase {
  private readonly logger = new Logger('Settings');

  constructor(
    private readonly store: InstanceSettingsStore,
    private readonly lifecycle: InstanceLifecycleService,
  ) {}

  async set(instance: Target, dto: SetSettingsDto) {
    this.store.forget(instance.id);
    const current = (await this.store.find(instance.id)) ?? DEFAULT_SETTINGS;
    const saved = await this.store.save(instance.id, toSettingsFields(dto, current));
    if (saved.alwaysOnline && !current.alwaysOnline) await this.goOnline(instance);
    return { settings: { instanceName: instance.name, settings: settingsView(saved) } };
  }

  async find(instance: Target) {
    this.store.forget(instance.id);
    const found = await this.store.find(instance.id);
    return found ? settingsView(found) : null;
  }

  /** Switching alwaysOnline on while connected shows the account online now, not only at the next connect. */
  private async goOnline(instance: Target) {
    const runtime = this.lifecycle.runtime(instance.id);
    if (runtime?.state !== 'open') return;
    await runtime.session.chat
      .setPresence('available')
      .catch((err) => this.logger.warn(`instance ${instance.name}: could not go online: ${(err as Error).message}`));
  }
}

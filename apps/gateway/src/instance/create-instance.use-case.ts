import { HttpStatus, Injectable } from '@nestjs/common';
import { EvolutionException, forbidden } from '@gw/common';
import { InstanceLifecycleService } from '@gw/instances';
import { InstanceRepository } from '@gw/persistence';
import { randomUUID } from 'node:crypto';
import { CreateInstanceDto } from './dto/create-instance.dto';
import { createdView } from './instance.presenter';
import { InstancePlacement } from '../cluster/instance-placement.service';
import { toWebhookConfig } from '../webhook/webhook-config.mapper';

@Injectable()
export class CreateInstanceUseCase {
  constructor(
    private readonly repository: InstanceRepository,
    private readonly lifecycle: InstanceLifecycleService,
    private readonly placement: InstancePlacement,
  ) {}

  async execute(dto: CreateInstanceDto) {
    const integration = dto.integration ?? 'WHATSAPP-BAILEYS';
    if (integration !== 'WHATSAPP-BAILEYS') {
      throw new EvolutionException(HttpStatus.NOT_IMPLEMENTED, [`Integration ${integration} is not supported yet`]);
    }
    if (await this.repository.findByName(dto.instanceName)) {
      throw forbidden(`This name "${dto.instanceName}" is already in use.`);
    }
    const token = dto.token ?? randomUUID().toUpperCase();
    if (dto.token && (await this.repository.findByToken(token))) {
      throw forbidden('This token is already in use by another instance.');
    }

    let instance;
    try {
      instance = await this.repository.create({
        name: dto.instanceName,
        token,
        integration,
        number: dto.number?.replace(/\D/g, '') ?? null,
        businessId: dto.businessId ?? null,
        // v1 bodies carry the flags beside a string `webhook`; flat v2 aliases sit at the top level.
        webhook: toWebhookConfig(dto.webhook, { ...dto, url: dto.webhookUrl, events: dto.webhookEvents ?? dto.events }),
        setting: {
          rejectCall: dto.rejectCall ?? dto.reject_call ?? false,
          msgCall: dto.msgCall ?? dto.msg_call ?? '',
          groupsIgnore: dto.groupsIgnore ?? dto.groups_ignore ?? false,
          alwaysOnline: dto.alwaysOnline ?? dto.always_online ?? false,
          readMessages: dto.readMessages ?? dto.read_messages ?? false,
          readStatus: dto.readStatus ?? dto.read_status ?? false,
          syncFullHistory: dto.syncFullHistory ?? dto.sync_full_history ?? false,
          wavoipToken: dto.wavoipToken ?? '',
        },
      });
    } catch (err) {
      // Two creates racing for one name: the unique index decides, the loser gets Evolution's 403.
      if ((err as { code?: string }).code === 'P2002') throw forbidden(`This name "${dto.instanceName}" is already in use.`);
      throw err;
    }

    await this.lifecycle.emit(instance, 'INSTANCE_CREATE', { instanceName: instance.name, instanceId: instance.id });
    const placed = await this.placement.connect(instance, dto.number, dto.qrcode === true);
    return createdView(instance, placed.state, dto.qrcode ? placed.qr : undefined);
  }
}

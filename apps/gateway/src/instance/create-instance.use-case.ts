import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { EvolutionException, badRequest, forbidden, secureEquals } from '@gw/common';
import { instanceLifecyclePayload } from '@gw/events';
import { CLOUD_API_INTEGRATION } from '@gw/whatsapp';
import { InstanceLifecycleService } from '@gw/instances';
import { InstanceRepository } from '@gw/persistence';
import { randomUUID } from 'node:crypto';
import { CreateInstanceDto } from './dto/create-instance.dto';
import { createdView } from './instance.presenter';
import { InstancePlacement } from '../cluster/instance-placement.service';
import { applyCloudApiSigning, toWebhookConfig } from '../webhook/webhook-config.mapper';
import { InstanceProxyService } from '../proxy/instance-proxy.service';
import { RabbitmqConfigService } from '../rabbitmq/rabbitmq-config.service';
import type { ProxySettings } from '@gw/whatsapp';

@Injectable()
export class CreateInstanceUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: InstanceRepository,
    private readonly lifecycle: InstanceLifecycleService,
    private readonly placement: InstancePlacement,
    private readonly proxies: InstanceProxyService,
    private readonly rabbitmq: RabbitmqConfigService,
  ) {}

  async execute(dto: CreateInstanceDto) {
    const integration = dto.integration ?? 'WHATSAPP-BAILEYS';
    if (integration !== 'WHATSAPP-BAILEYS' && integration !== CLOUD_API_INTEGRATION) {
      throw new EvolutionException(HttpStatus.NOT_IMPLEMENTED, [`Integration ${integration} is not supported yet`]);
    }
    const cloud = integration === CLOUD_API_INTEGRATION;
    if (cloud) assertCloudFields(dto);
    // An instance token equal to the global key would make every holder of that token global.
    if (!cloud && dto.token && secureEquals(dto.token, this.config.auth.apiKey)) {
      throw badRequest('token must not be the global API key');
    }
    if (await this.repository.findByName(dto.instanceName)) {
      throw forbidden(`This name "${dto.instanceName}" is already in use.`);
    }
    // Cloud API: `token` is Meta's access token (Evolution's body); the instance API key is generated.
    const token = !cloud && dto.token ? dto.token : randomUUID().toUpperCase();
    if (!cloud && dto.token && (await this.repository.findByToken(token))) {
      throw forbidden('This token is already in use by another instance.');
    }

    this.rabbitmq.checkCreate(dto.rabbitmq);
    // Evolution's create-time proxy fields; a proxy that does not answer refuses the create (nothing is saved).
    const proxy: ProxySettings | null = dto.proxyHost
      ? { host: dto.proxyHost, port: dto.proxyPort!, protocol: dto.proxyProtocol!, username: dto.proxyUsername || null, password: dto.proxyPassword || null }
      : null;
    if (proxy) await this.proxies.check(proxy, integration);

    const webhook = toWebhookConfig(dto.webhook, { ...dto, url: dto.webhookUrl, events: dto.webhookEvents ?? dto.events });
    if (webhook) applyCloudApiSigning(webhook);
    let instance;
    try {
      instance = await this.repository.create({
        name: dto.instanceName,
        token,
        integration,
        number: dto.number?.replace(/\D/g, '') ?? null,
        businessId: dto.businessId ?? null,
        accessToken: cloud ? dto.token : null,
        // v1 bodies carry the flags beside a string `webhook`; flat v2 aliases sit at the top level.
        webhook,
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

    if (proxy) await this.proxies.save(instance.id, proxy);
    // Before INSTANCE_CREATE and the first QR, so those already go to the instance's queues.
    const rabbitmq = await this.rabbitmq.applyCreate(instance, dto.rabbitmq);
    await this.lifecycle.emit(instance, 'INSTANCE_CREATE', instanceLifecyclePayload(instance));
    // A Cloud API instance has no QR: wait for the Graph API to accept (or refuse) the token instead.
    const placed = cloud
      ? await this.placement.connect(instance, undefined, true)
      : await this.placement.connect(instance, dto.number, dto.qrcode === true);
    return createdView(instance, placed.state, dto.qrcode && !cloud ? placed.qr : undefined, { rabbitmq });
  }
}

/** Evolution requires all three for WHATSAPP-BUSINESS; each missing one is named. */
function assertCloudFields(dto: CreateInstanceDto) {
  const missing = [
    !dto.number && 'number is required for WHATSAPP-BUSINESS (the phone number id)',
    !dto.token && 'token is required for WHATSAPP-BUSINESS (the Graph API access token)',
    !dto.businessId && 'businessId is required for WHATSAPP-BUSINESS (the WhatsApp Business Account id)',
  ].filter((m): m is string => !!m);
  if (missing.length) throw badRequest(...missing);
}

import { toWebhookConfig } from './webhook-config.mapper';

describe('toWebhookConfig', () => {
  it("reads the n8n node's flags inside webhook and stores events by canonical name", () => {
    const config = toWebhookConfig(
      { enabled: true, url: 'https://hooks.test/wa', webhookByEvents: true, webhookBase64: true, events: ['GROUP_UPDATE', 'TYPEBOT_START'] },
      {},
    );
    expect(config).toMatchObject({ url: 'https://hooks.test/wa', enabled: true, webhookByEvents: true, webhookBase64: true, events: ['GROUPS_UPDATE', 'TYPEBOT_START'] });
  });

  it('a disabled webhook keeps its last real URL instead of a placeholder such as "vazio"', () => {
    expect(toWebhookConfig({ enabled: false, url: 'vazio', events: [] }, {}, 'https://hooks.test/old')).toMatchObject({ enabled: false, url: 'https://hooks.test/old' });
    expect(toWebhookConfig({ enabled: false, url: 'vazio' }, {})).toMatchObject({ enabled: false, url: '' });
    expect(toWebhookConfig({ enabled: false, url: 'https://hooks.test/new' }, {}, 'https://hooks.test/old')).toMatchObject({ url: 'https://hooks.test/new' });
  });
});

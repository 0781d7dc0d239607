/** WEBHOOK_DISABLED (a gateway extra, to the global webhook): which webhook was switched off and why. */
export interface WebhookDisabledData {
  instance: string | null;
  webhookId: string | null;
  url: string;
  reason: string;
  disabledAt: string;
}

export const webhookDisabledPayload = (hook: { instanceName: string | null; webhookId: string | null; url: string }, reason: string, at = new Date()): WebhookDisabledData => ({
  instance: hook.instanceName,
  webhookId: hook.webhookId,
  url: hook.url,
  reason,
  disabledAt: at.toISOString(),
});

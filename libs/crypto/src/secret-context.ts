/**
 * The associated data of each encrypted column: table, column and the row's identity. The
 * rotation command and the repositories must build them identically, so they live in one place.
 */
export const secretContext = {
  authCred: (instanceId: string) => `AuthCred.creds:${instanceId}`,
  authKey: (instanceId: string, type: string, keyId: string) => `AuthKey.value:${instanceId}:${type}:${keyId}`,
  instanceToken: (instanceId: string) => `Instance.token:${instanceId}`,
  accessToken: (instanceId: string) => `Instance.accessToken:${instanceId}`,
  webhookSecret: (instanceId: string) => `Webhook.secret:${instanceId}`,
  webhookPreviousSecret: (instanceId: string) => `Webhook.previousSecret:${instanceId}`,
  webhookHeader: (instanceId: string, name: string) => `Webhook.headers:${instanceId}:${name.toLowerCase()}`,
  proxyPassword: (instanceId: string) => `InstanceProxy.password:${instanceId}`,
};

import type { StoredProxy } from '@gw/persistence';

/** Evolution's Proxy row (port as a string, '' when disabled), without the password. */
export function proxyView(row: StoredProxy) {
  return {
    id: row.id,
    enabled: row.enabled,
    host: row.host,
    port: row.port === null ? '' : String(row.port),
    protocol: row.enabled ? row.protocol : '',
    username: row.username ?? '',
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    instanceId: row.instanceId,
  };
}

/** /proxy/set's answer, Evolution's `{proxy: {instanceName, proxy: {...}}}`, without the password. */
export function proxySetView(instance: { id: string; name: string }, row: StoredProxy) {
  const { enabled, host, port, protocol, username } = proxyView(row);
  return { proxy: { instanceName: instance.name, instanceId: instance.id, proxy: { enabled, host, port, protocol, username } } };
}

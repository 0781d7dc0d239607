import cluster from 'node:cluster';
import { hostname } from 'node:os';

/**
 * The default NODE_ID: the same across restarts of one gateway, so a restarted node takes its own
 * instances back at once instead of waiting out their leases. The hostname is stable in a container;
 * the port tells apart two gateways on one machine; a PM2 or cluster worker number tells apart
 * workers sharing a port (PM2's is stable across restarts, Node's cluster worker id is not).
 */
export function defaultNodeId(port: number, env: NodeJS.ProcessEnv = process.env): string {
  const worker = env.NODE_APP_INSTANCE ?? (cluster.isWorker ? String(cluster.worker?.id) : undefined);
  return [hostname(), String(port), worker].filter(Boolean).join('-');
}

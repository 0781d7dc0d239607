import { ClientTrafficService } from './client-traffic.service';
import { GroupAdminService } from './group-admin.service';
import { HistorySyncService, type HistorySyncOnLogin } from './history-sync.service';
import { MessageDeliveryService } from './message-delivery.service';
import type { MessagingHost } from './messaging-host.types';
import { PeerActivityService } from './peer-activity.service';
import { StatusBroadcastService } from './status-broadcast.service';

/** Wires the messaging services of one fake server around its MessagingHost. */
export interface MessagingServices {
  delivery: MessageDeliveryService;
  groupAdmin: GroupAdminService;
  history: HistorySyncService;
  traffic: ClientTrafficService;
  activity: PeerActivityService;
  statuses: StatusBroadcastService;
}

export function createMessagingServices(host: MessagingHost, historySyncOnLogin: HistorySyncOnLogin): MessagingServices {
  const delivery = new MessageDeliveryService(host);
  const groupAdmin = new GroupAdminService(host);
  const history = new HistorySyncService(host, delivery, historySyncOnLogin);
  // the device is ready for its initial sync once it has uploaded pre-keys (passive active)
  const traffic = new ClientTrafficService(host, delivery, groupAdmin, (_conn, device) => {
    history.onDeviceReady(device).catch((err: unknown) => host.log(`initial sync of ${device.jid} failed: ${String(err)}`));
  });
  const activity = new PeerActivityService(host, (id) => traffic.senderOf(id));
  const statuses = new StatusBroadcastService(host, () => traffic.receipts);
  return { delivery, groupAdmin, history, traffic, activity, statuses };
}

import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import { AttemptLogWriter, DeliveryProducer } from '@gw/delivery';
import type { EventSink, GatewayEvent } from '@gw/events';
import type IORedis from 'ioredis';
import { benchMessageId } from '../support/bench.util';
import { WORKER_PROCESS, sleep } from './delivery-options';
import type { ReceiverProcess } from './receiver-process';

/** What every phase works with: the app under test, the receiver, Redis, and the bench instance. */
export interface Ctx {
  app: INestApplicationContext;
  config: AppConfig;
  sink: EventSink;
  producer: DeliveryProducer;
  receiver: ReceiverProcess;
  redis: IORedis;
  instanceId: string;
  instanceName: string;
  hookUrl: string;
  secret: string;
  workerPid?: number;
  /** Postgres postmaster serving our database (parent of our backend), for CPU accounting. */
  postmasterPid?: number;
}

// Event bodies: a ~1 KB messages.upsert (extended text with a quoted reply, flattened the way
// Evolution does), tagged with the bench phase and event number.

const TEXT =
  'Olá! Segue o resumo do pedido #48213: 2x camiseta básica (M, azul-marinho), 1x calça jeans slim 42, ' +
  'frete expresso para São Paulo/SP. Total R$ 389,70 no Pix. Pode confirmar o endereço de entrega?';

function messageData(phase: string, n: number, instanceId: string) {
  const id = benchMessageId();
  return {
    bench: { ph: phase, n },
    key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, id, remoteJidAlt: '181818181818181@lid' },
    pushName: 'Mariana Souza',
    status: 'DELIVERY_ACK',
    message: {
      conversation: TEXT,
      messageContextInfo: { deviceListMetadata: { senderKeyHash: 'tWk5XvQdbqYz1g==', senderTimestamp: '1763690000' }, deviceListMetadataVersion: 2 },
    },
    contextInfo: {
      stanzaId: '3EB0C431B0A7D1F2E9A4',
      participant: '5511912345678@s.whatsapp.net',
      quotedMessage: { conversation: 'Oi Mariana, seu carrinho ainda está reservado. Quer finalizar?' },
    },
    messageType: 'conversation',
    messageTimestamp: 1763700000 + n,
    instanceId,
    source: 'android',
    senderPn: '5511987654321@s.whatsapp.net',
  };
}

export function event(ctx: Ctx, phase: string, n: number): GatewayEvent {
  return {
    name: 'MESSAGES_UPSERT',
    instanceId: ctx.instanceId,
    instanceName: ctx.instanceName,
    data: messageData(phase, n, ctx.instanceId),
    sender: '5511955554444@s.whatsapp.net',
    occurredAt: new Date(),
  };
}

/** Waits until the queue holds nothing to run (waiting/active/prioritized) and the attempt log is written. */
export async function drained(ctx: Ctx, allowDelayed = false) {
  for (;;) {
    const c = await ctx.producer.bullQueue.getJobCounts('waiting', 'active', 'prioritized', 'delayed', 'waiting-children');
    const busy = (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (allowDelayed ? 0 : c.delayed ?? 0);
    if (busy === 0) break;
    await sleep(50);
  }
  if (!WORKER_PROCESS) await ctx.app.get(AttemptLogWriter).flush();
}

import { Injectable } from '@nestjs/common';
import { InstanceLifecycleService, InstanceRuntime, SendException } from '@gw/instances';

/**
 * "The instance must be connected" for every route that acts through WhatsApp (chat, group,
 * send): the open runtime, or SendException NOT_CONNECTED naming the state, which the global
 * filter answers as Evolution's 400 (see EngineErrorTranslator). Checked in the handler, after
 * the request's own validation, so a bad body is still a 400 about the body.
 */
@Injectable()
export class ConnectedSessions {
  constructor(private readonly lifecycle: InstanceLifecycleService) {}

  open(instance: { id: string; name: string }): InstanceRuntime {
    const runtime = this.lifecycle.runtime(instance.id);
    const state = runtime?.state ?? 'close';
    if (!runtime || state !== 'open') throw SendException.notConnected(instance.name, state);
    return runtime;
  }
}

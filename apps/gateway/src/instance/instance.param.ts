import { ExecutionContext, Injectable, PipeTransform, createParamDecorator } from '@nestjs/common';
import { AuthenticatedRequest, InstanceIdentity, instanceNotFound } from '@gw/common';
import { InstanceRepository, InstanceWithConfig } from '@gw/persistence';

const RouteInstance = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().instanceRecord,
);

/** Loads the full row (webhook, settings) of the instance the guard resolved from :instanceName. */
@Injectable()
export class LoadInstancePipe implements PipeTransform<InstanceIdentity, Promise<InstanceWithConfig>> {
  constructor(private readonly repository: InstanceRepository) {}

  async transform(identity: InstanceIdentity): Promise<InstanceWithConfig> {
    const full = await this.repository.findById(identity.id);
    if (!full) throw instanceNotFound(identity.name);
    return full;
  }
}

/** `@InstanceParam() instance` = the :instanceName instance, already authorised. */
export const InstanceParam = () => RouteInstance(LoadInstancePipe);

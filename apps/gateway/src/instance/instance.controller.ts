import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, GlobalKeyOnly, RequestAuth, ScopedList, notFound } from '@gw/common';
import { InstanceLifecycleService } from '@gw/instances';
import { InstanceRepository, InstanceWithConfig } from '@gw/persistence';
import { StoreCountsRepository } from '@gw/store';
import { ConnectQueryDto } from './dto/connect-query.dto';
import { CreateInstanceDto } from './dto/create-instance.dto';
import { FetchInstancesQueryDto } from './dto/fetch-instances-query.dto';
import { CreateInstanceUseCase } from './create-instance.use-case';
import { InstanceParam } from './instance.param';
import { connectView, deletedView, instanceRowView, logoutView } from './instance.presenter';

@ApiTags('Instance')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('instance')
export class InstanceController {
  constructor(
    private readonly createInstance: CreateInstanceUseCase,
    private readonly lifecycle: InstanceLifecycleService,
    private readonly repository: InstanceRepository,
    private readonly storeCounts: StoreCountsRepository,
  ) {}

  @Post('create')
  @GlobalKeyOnly()
  @ApiOperation({ summary: 'Create an instance and start linking it (QR by webhook, or pairing code with `number`)' })
  create(@Body() dto: CreateInstanceDto) {
    return this.createInstance.execute(dto);
  }

  @Get('connect/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Connect: returns the current QR code (or pairing code), the open state, or why WhatsApp cannot be reached' })
  async connect(@InstanceParam() instance: InstanceWithConfig, @Query() query: ConnectQueryDto) {
    return connectView(instance.name, await this.lifecycle.connect(instance, query.number));
  }

  @Get('connectionState/:instanceName')
  @ApiParam({ name: 'instanceName' })
  connectionState(@InstanceParam() instance: InstanceWithConfig) {
    return { instance: { instanceName: instance.name, state: this.lifecycle.state(instance.id) } };
  }

  @Get('fetchInstances')
  @ScopedList()
  @ApiOperation({ summary: 'List instances (an instance token lists only its own instance)' })
  async fetchInstances(@Query() query: FetchInstancesQueryDto, @Auth() auth: RequestAuth) {
    const rows = await this.repository.list({ name: query.instanceName, id: query.instanceId });
    const visible = auth.isGlobal ? rows : rows.filter((r) => r.id === auth.tokenInstanceId);
    if ((query.instanceName || query.instanceId) && !visible.length) {
      throw notFound(`Instance "${query.instanceName ?? query.instanceId}" not found`);
    }
    const counts = await this.storeCounts.forInstances(visible.map((r) => r.id));
    return visible.map((r) => instanceRowView(r, this.lifecycle.runtime(r.id)?.state, counts.get(r.id)));
  }

  /** v1 clients and Evolution's docs use PUT (see V1_ALIASES); v2 code uses POST. */
  @Post('restart/:instanceName')
  @HttpCode(200)
  @ApiParam({ name: 'instanceName' })
  async restart(@InstanceParam() instance: InstanceWithConfig) {
    const runtime = await this.lifecycle.restart(instance);
    // open, a QR, or why the new attempt failed; otherwise (still connecting) just the state
    if (runtime.state === 'open' || runtime.qr.code || runtime.lastClose) return connectView(instance.name, runtime);
    return { instance: { instanceName: instance.name, state: runtime.state } };
  }

  /** Rotates the instance token: the old one stops working at once; NEW_TOKEN carries the new one. */
  @Put('refreshToken/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Rotate the instance token (sends NEW_TOKEN)' })
  async refreshToken(@InstanceParam() instance: InstanceWithConfig) {
    const token = await this.lifecycle.rotateToken(instance);
    return { instance: { instanceName: instance.name, instanceId: instance.id }, hash: token };
  }

  @Delete('logout/:instanceName')
  @ApiParam({ name: 'instanceName' })
  async logout(@InstanceParam() instance: InstanceWithConfig) {
    await this.lifecycle.logout(instance);
    return logoutView();
  }

  @Delete('delete/:instanceName')
  @ApiParam({ name: 'instanceName' })
  async delete(@InstanceParam() instance: InstanceWithConfig) {
    await this.lifecycle.delete(instance);
    return deletedView();
  }
}

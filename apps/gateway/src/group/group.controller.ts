import { Body, Controller, Delete, Get, HttpCode, Post, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MediaBody } from '@gw/common';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { CreateGroupDto } from './dto/create-group.dto';
import {
  GroupDescriptionDto,
  GroupPictureDto,
  GroupSubjectDto,
  ToggleEphemeralDto,
  UpdateParticipantDto,
  UpdateSettingDto,
} from './dto/group-update.dto';
import { SendInviteDto } from './dto/send-invite.dto';
import { GetParticipants, GroupJid, InviteCode } from './group-request.decorators';
import { GroupService } from './group.service';

const GROUP_JID_QUERY = ApiQuery({ name: 'groupJid', required: false, description: 'Group id (…@g.us optional); may also be given in the body' });
const INVITE_CODE_QUERY = ApiQuery({ name: 'inviteCode', required: true, description: 'The 22-character code of a chat.whatsapp.com link' });

/** v2 POST (201); the v1 PUT of each is in V1_ALIASES. */
const Mutation = (action: string, summary: string) =>
  applyDecorators(Post(`${action}/:instanceName`), HttpCode(201), ApiParam({ name: 'instanceName' }), ApiOperation({ summary }), GROUP_JID_QUERY);
const Lookup = (action: string, summary: string) =>
  applyDecorators(Get(`${action}/:instanceName`), ApiParam({ name: 'instanceName' }), ApiOperation({ summary }), ApiOkResponse());

@ApiTags('Group')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('group')
export class GroupController {
  constructor(private readonly groups: GroupService) {}

  @Post('create/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Create a group (201 with its metadata)' })
  create(@InstanceParam() i: InstanceWithConfig, @Body() body: CreateGroupDto) {
    return this.groups.create(i, body);
  }

  @Mutation('updateGroupSubject', 'Rename a group')
  updateGroupSubject(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: GroupSubjectDto) {
    return this.groups.updateSubject(i, jid, body.subject);
  }

  @Mutation('updateGroupDescription', 'Change (or with "" remove) the description')
  updateGroupDescription(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: GroupDescriptionDto) {
    return this.groups.updateDescription(i, jid, body.description);
  }

  @Mutation('updateGroupPicture', 'Set the group picture from a URL or base64 image')
  @MediaBody()
  updateGroupPicture(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: GroupPictureDto) {
    return this.groups.updatePicture(i, jid, body.image);
  }

  @Mutation('updateParticipant', 'Add, remove, promote or demote participants')
  updateParticipant(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: UpdateParticipantDto) {
    return this.groups.updateParticipants(i, jid, body);
  }

  @Mutation('updateSetting', 'announcement / not_announcement / locked / unlocked')
  updateSetting(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: UpdateSettingDto) {
    return this.groups.updateSetting(i, jid, body);
  }

  @Mutation('toggleEphemeral', 'Disappearing messages: 0, 86400, 604800 or 7776000 seconds')
  toggleEphemeral(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: ToggleEphemeralDto) {
    return this.groups.toggleEphemeral(i, jid, body);
  }

  @Mutation('revokeInviteCode', 'Invalidate the invite link (201 with the new code)')
  revokeInviteCode(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string) {
    return this.groups.revokeInviteCode(i, jid);
  }

  @Post('sendInvite/:instanceName')
  @HttpCode(200)
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Send the invite link as a text to each number' })
  sendInvite(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string, @Body() body: SendInviteDto) {
    return this.groups.sendInvite(i, jid, body);
  }

  @Lookup('inviteCode', 'The invite link of a group')
  @GROUP_JID_QUERY
  inviteCode(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string) {
    return this.groups.inviteCode(i, jid);
  }

  @Lookup('inviteInfo', 'What an invite link leads to, without joining')
  @INVITE_CODE_QUERY
  inviteInfo(@InstanceParam() i: InstanceWithConfig, @InviteCode() code: string) {
    return this.groups.inviteInfo(i, code);
  }

  @Lookup('acceptInviteCode', 'Join a group through its invite link')
  @INVITE_CODE_QUERY
  acceptInviteCode(@InstanceParam() i: InstanceWithConfig, @InviteCode() code: string) {
    return this.groups.acceptInviteCode(i, code);
  }

  @Lookup('findGroupInfos', 'A group with its participants and picture')
  @GROUP_JID_QUERY
  findGroupInfos(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string) {
    return this.groups.findGroupInfos(i, jid);
  }

  @Lookup('fetchAllGroups', 'Every group this account is in')
  @ApiQuery({ name: 'getParticipants', required: true, enum: ['true', 'false'] })
  fetchAllGroups(@InstanceParam() i: InstanceWithConfig, @GetParticipants() withParticipants: boolean) {
    return this.groups.fetchAllGroups(i, withParticipants);
  }

  @Lookup('participants', 'The participants of a group')
  @GROUP_JID_QUERY
  participants(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string) {
    return this.groups.participants(i, jid);
  }

  @Delete('leaveGroup/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Leave a group' })
  @GROUP_JID_QUERY
  leaveGroup(@InstanceParam() i: InstanceWithConfig, @GroupJid() jid: string) {
    return this.groups.leaveGroup(i, jid);
  }
}

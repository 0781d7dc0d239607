import type { InstanceSettingsFields } from '@gw/persistence';
import type { SetSettingsDto } from './dto/set-settings.dto';

/** The v2 (camel) or v1 (snake) body merged over the current settings; camel wins when both are sent. */
export function toSettingsFields(dto: SetSettingsDto, current: InstanceSettingsFields): InstanceSettingsFields {
  return {
    rejectCall: dto.rejectCall ?? dto.reject_call ?? current.rejectCall,
    msgCall: dto.msgCall ?? dto.msg_call ?? current.msgCall,
    groupsIgnore: dto.groupsIgnore ?? dto.groups_ignore ?? current.groupsIgnore,
    alwaysOnline: dto.alwaysOnline ?? dto.always_online ?? current.alwaysOnline,
    readMessages: dto.readMessages ?? dto.read_messages ?? current.readMessages,
    readStatus: dto.readStatus ?? dto.read_status ?? current.readStatus,
    syncFullHistory: dto.syncFullHistory ?? dto.sync_full_history ?? current.syncFullHistory,
    wavoipToken: dto.wavoipToken ?? current.wavoipToken,
  };
}

/** Evolution's 8 camel fields, in its order. */
export function settingsView(s: InstanceSettingsFields) {
  return {
    rejectCall: s.rejectCall,
    msgCall: s.msgCall,
    groupsIgnore: s.groupsIgnore,
    alwaysOnline: s.alwaysOnline,
    readMessages: s.readMessages,
    readStatus: s.readStatus,
    syncFullHistory: s.syncFullHistory,
    wavoipToken: s.wavoipToken,
  };
}

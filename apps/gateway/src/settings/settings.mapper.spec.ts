import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEFAULT_SETTINGS } from '@gw/instances';
import { SetSettingsDto } from './dto/set-settings.dto';
import { settingsView, toSettingsFields } from './settings.mapper';

const dto = (body: object) => plainToInstance(SetSettingsDto, body);

describe('settings body mapping', () => {
  it('maps the v2 camelCase body', () => {
    const fields = toSettingsFields(dto({ rejectCall: true, msgCall: 'busy', groupsIgnore: true, alwaysOnline: false, readMessages: true, readStatus: true, syncFullHistory: true }), DEFAULT_SETTINGS);
    expect(fields).toEqual({ rejectCall: true, msgCall: 'busy', groupsIgnore: true, alwaysOnline: false, readMessages: true, readStatus: true, syncFullHistory: true, wavoipToken: '' });
  });

  it('maps the v1 snake_case body', () => {
    const fields = toSettingsFields(
      dto({ reject_call: true, msg_call: 'no', groups_ignore: true, always_online: true, read_messages: true, read_status: false, sync_full_history: true }),
      DEFAULT_SETTINGS,
    );
    expect(fields).toMatchObject({ rejectCall: true, msgCall: 'no', groupsIgnore: true, alwaysOnline: true, readMessages: true, readStatus: false, syncFullHistory: true });
  });

  it('keeps current values for missing fields; camelCase wins over snake_case', () => {
    const current = { ...DEFAULT_SETTINGS, readMessages: true, msgCall: 'old' };
    expect(toSettingsFields(dto({ rejectCall: true, reject_call: false }), current)).toMatchObject({ rejectCall: true, readMessages: true, msgCall: 'old' });
  });

  it('rejects non-boolean flags, naming the field', () => {
    const errors = validateSync(dto({ alwaysOnline: 'yes', read_status: 1 }));
    expect(errors.map((e) => e.property).sort()).toEqual(['alwaysOnline', 'read_status']);
  });

  it('presents the 8 camelCase fields in Evolution order', () => {
    expect(Object.keys(settingsView(DEFAULT_SETTINGS))).toEqual(['rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'wavoipToken']);
  });
});

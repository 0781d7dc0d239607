import { SendMediaDto, SendMediaUploadDto, SendMediaV1Dto } from './dto/send-media.dto';
import { SendStatusDto } from './dto/send-status.dto';
import { FormFields, typedFormFields } from './form-fields.util';
import { VersionedBodyPipe } from './versioned-body.pipe';

describe('typedFormFields (multipart text -> what the DTO rules expect)', () => {
  it('numbers, booleans, arrays and JSON objects by the rules of each property; strings stay strings', () => {
    const typed = typedFormFields(
      { number: '5511999999999', delay: '1200', ptt: 'true', caption: '123', mentioned: '5511988887777', quoted: '{"key":{"id":"ABC"}}', mediatype: 'audio' },
      SendMediaDto,
    );
    expect(typed).toEqual({
      number: '5511999999999',
      delay: 1200,
      ptt: true,
      caption: '123',
      mentioned: ['5511988887777'],
      quoted: { key: { id: 'ABC' } },
      mediatype: 'audio',
    });
  });

  it('repeated fields (already arrays) and JSON arrays; bad JSON names the field', () => {
    expect(typedFormFields({ statusJidList: ['1', '2'], allContacts: 'false', font: '2' }, SendStatusDto)).toEqual({ statusJidList: ['1', '2'], allContacts: false, font: 2 });
    expect(typedFormFields({ statusJidList: '["1","2"]' }, SendStatusDto)).toEqual({ statusJidList: ['1', '2'] });
    expect(() => typedFormFields({ statusJidList: '[1,' }, SendStatusDto)).toThrow(expect.objectContaining({ messages: ['statusJidList: not valid JSON'] }));
  });

  it('values that do not fit are left for the rules to reject', () => {
    expect(typedFormFields({ delay: 'soon', ptt: 'maybe' }, SendMediaDto)).toEqual({ delay: 'soon', ptt: 'maybe' });
  });
});

describe('VersionedBodyPipe with multipart fields', () => {
  const pipe = new VersionedBodyPipe(SendMediaDto, SendMediaV1Dto, 'mediaMessage', { field: 'media', withoutField: SendMediaUploadDto });
  const problems = (p: Promise<unknown>) => p.then(() => [], (err: { messages: string[] }) => err.messages);

  it('with a file part: validated without the media field; giving both is refused', async () => {
    const dto = await pipe.transform(new FormFields({ number: '5511999999999', mediatype: 'image', delay: '10' }, true));
    expect(dto).toBeInstanceOf(SendMediaUploadDto);
    expect(dto).toMatchObject({ mediatype: 'image', delay: 10 });
    expect(await problems(Promise.resolve().then(() => pipe.transform(new FormFields({ number: '5511999999999', mediatype: 'image', media: 'x' }, true))))).toEqual([
      'Give the media either as the "file" part or in "media", not both',
    ]);
  });

  it('without a file part the media field is required as in JSON; v1 shapes are refused', async () => {
    expect(await problems(Promise.resolve().then(() => pipe.transform(new FormFields({ number: '5511999999999', mediatype: 'image' }, false))))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^media /)]),
    );
    expect(await problems(Promise.resolve().then(() => pipe.transform(new FormFields({ number: '5511999999999', mediaMessage: {} }, true))))).toEqual([
      'multipart/form-data bodies take the v2 fields (number, …) as form fields',
    ]);
  });
});

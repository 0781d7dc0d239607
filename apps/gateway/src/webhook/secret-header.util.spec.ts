import { SECRET_HEADER_MASK, keepMaskedHeaders, maskSecretHeaders } from './secret-header.util';

describe('secret webhook headers', () => {
  it('masks credential-looking header values and keeps the others', () => {
    expect(maskSecretHeaders({ jwt_key: 'k', Authorization: 'Bearer t', 'x-api-key': 'a', 'x-tenant': 'acme' })).toEqual({
      jwt_key: SECRET_HEADER_MASK,
      Authorization: SECRET_HEADER_MASK,
      'x-api-key': SECRET_HEADER_MASK,
      'x-tenant': 'acme',
    });
    expect(maskSecretHeaders(null)).toBeNull();
  });

  it('a mask sent back keeps the stored value; a mask with nothing stored is dropped', () => {
    expect(keepMaskedHeaders({ jwt_key: SECRET_HEADER_MASK, 'x-new-token': SECRET_HEADER_MASK, 'x-tenant': 'b' }, { jwt_key: 'stored' })).toEqual({
      jwt_key: 'stored',
      'x-tenant': 'b',
    });
  });
});

import { unauthorized } from '@gw/common';
import { SocketRefusal, handshakeKey, namespaceInstance } from './socket-auth.util';

describe('socket handshake auth helpers', () => {
  it('reads the key from auth, else the apikey header, else the query', () => {
    expect(handshakeKey({ auth: { apikey: 'a' }, headers: { apikey: 'h' }, query: { apikey: 'q' } })).toBe('a');
    expect(handshakeKey({ auth: {}, headers: { apikey: 'h' }, query: { apikey: 'q' } })).toBe('h');
    expect(handshakeKey({ auth: { apikey: '' }, headers: {}, query: { apikey: 'q' } })).toBe('q');
    expect(handshakeKey({ auth: { apikey: 42 }, headers: {}, query: {} })).toBeUndefined();
  });

  it('maps a namespace to its instance name (URL-decoded); the default namespace to none', () => {
    expect(namespaceInstance('/')).toBeUndefined();
    expect(namespaceInstance('/sales')).toBe('sales');
    expect(namespaceInstance('/my%20shop')).toBe('my shop');
    expect(namespaceInstance('/100%')).toBe('100%');
  });

  it('turns API errors into a connect_error with the same status and message, anything else into a 503', () => {
    expect(SocketRefusal.from(unauthorized())).toMatchObject({ message: 'Unauthorized', data: { status: 401, message: 'Unauthorized' } });
    expect(SocketRefusal.from(new Error('ECONNREFUSED 127.0.0.1:5432'))).toMatchObject({ data: { status: 503 } });
    expect(SocketRefusal.from(new Error('x')).message).not.toContain('5432');
  });
});

import type { Request, Response } from 'express';
import { V1_ALIASES, v1Aliases } from './v1-aliases';

/** The method the router will see after the alias middleware, and that it always calls next(). */
function routed(handler: ReturnType<typeof v1Aliases>, method: string, path: string): string {
  const req = { method, path } as Request;
  let nexts = 0;
  handler(req, {} as Response, () => nexts++);
  expect(nexts).toBe(1);
  return req.method;
}

describe('v1Aliases', () => {
  const plain = v1Aliases('');

  it('serves each v1 verb with the v2 route it stands for', () => {
    expect(routed(plain, 'PUT', '/chat/markMessageAsRead/alpha')).toBe('POST');
    expect(routed(plain, 'PUT', '/group/updateParticipant/alpha')).toBe('POST');
    expect(routed(plain, 'PUT', '/instance/restart/alpha')).toBe('POST');
    // the way the router matches: case-insensitive, optional trailing slash, encoded names
    expect(routed(plain, 'PUT', '/Chat/archiveChat/my%20instance/')).toBe('POST');
  });

  it('leaves every other call alone', () => {
    expect(routed(plain, 'POST', '/chat/markMessageAsRead/alpha')).toBe('POST');
    expect(routed(plain, 'PUT', '/instance/refreshToken/alpha')).toBe('PUT');
    expect(routed(plain, 'PUT', '/chat/markMessageAsRead')).toBe('PUT');
    expect(routed(plain, 'DELETE', '/group/updateSetting/alpha')).toBe('DELETE');
    // a malformed escape is the router's 400 to give, not an error here
    expect(routed(plain, 'PUT', '/chat/archiveChat/%E0%A4%A')).toBe('POST');
  });

  it('matches under SERVER_BASE_PATH only', () => {
    const based = v1Aliases('/wa');
    expect(routed(based, 'PUT', '/wa/group/toggleEphemeral/alpha')).toBe('POST');
    expect(routed(based, 'PUT', '/group/toggleEphemeral/alpha')).toBe('PUT');
  });

  it('lists each alias once', () => {
    const keys = V1_ALIASES.map((a) => `${a.verb} ${a.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(15);
  });
});

import { classifyDisconnect } from './disconnect-policy';

describe('classifyDisconnect', () => {
  it.each([
    [515, 'restart'],
    [401, 'logged-out'],
    [411, 'logged-out'],
    [403, 'stop'],
    [402, 'stop'],
    [406, 'stop'],
    [440, 'stop'],
    [408, 'reconnect'],
    [428, 'reconnect'],
    [500, 'reconnect'],
    [503, 'reconnect'],
    [undefined, 'reconnect'],
  ])('code %s -> %s', (code, expected) => {
    expect(classifyDisconnect(code as number | undefined)).toBe(expected);
  });
});

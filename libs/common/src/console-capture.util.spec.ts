import { captureConsole, describeConsoleArg } from './console-capture.util';

class SessionEntry {
  currentRatchet = { rootKey: Buffer.from('root-key-bytes'), ephemeralKeyPair: { privKey: Buffer.from('private!') } };
}

describe('console capture', () => {
  it('routes console calls to the sink with objects named, never dumped', () => {
    const lines: string[] = [];
    const restore = captureConsole((level, message) => lines.push(`${level} ${message}`));
    try {
      console.info('Closing session:', new SessionEntry());
      console.error('Session error:Error: Bad MAC', 'at x <Buffer 05 aa bb>');
    } finally {
      restore();
    }
    expect(lines).toEqual(['info Closing session: [SessionEntry]', 'error Session error:Error: Bad MAC at x [bytes]']);
    expect(lines.join('\n')).not.toMatch(/privKey|private!|root-key/);
  });

  it('with onlyFrom captures only calls from matching files, and restores the console', () => {
    const lines: string[] = [];
    const original = console.log;
    const own = jest.fn();
    console.log = own;
    try {
      const restore = captureConsole((_l, m) => lines.push(m), { onlyFrom: /no-such-library/ });
      console.log('bench result', { a: 1 });
      restore();
      expect(console.log).toBe(own);
    } finally {
      console.log = original;
    }
    expect(own).toHaveBeenCalledWith('bench result', { a: 1 });
    expect(lines).toEqual([]);
  });

  it('redacts key fields inside strings', () => {
    expect(describeConsoleArg("{ privKey: 'abc', pubKey: 'def' }")).toBe("{ privKey: [redacted], pubKey: 'def' }");
  });
});

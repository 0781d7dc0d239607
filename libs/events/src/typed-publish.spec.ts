import * as path from 'node:path';
import * as ts from 'typescript';
import {
  CataloguePublisher,
  connectionUpdatePayload,
  contactPayload,
  instanceLifecyclePayload,
  messageDeletePayload,
  messageRecord,
} from '@gw/events';

/**
 * Compile-time contract of the catalogue: each `@ts-expect-error` below is a payload of the
 * wrong type for its event. Jest transpiles without type checking, so the test compiles this
 * file with the project's tsconfig: it must compile as written (every directive is used), and
 * without the directives exactly those lines must fail, with "not assignable" errors.
 */
export function wrongPayloads(out: CataloguePublisher): void {
  const message = {
    key: { remoteJid: '5511900000002@s.whatsapp.net', fromMe: false, id: 'A' },
    message: { conversation: 'hi' },
    messageType: 'conversation',
    messageTimestamp: 1,
    status: 'DELIVERY_ACK' as const,
    source: 'android',
  };
  const contact = contactPayload({ id: '5511900000002@s.whatsapp.net' }, 'i');
  // the right payloads compile
  out.publish('MESSAGES_UPSERT', messageRecord(message, 'i'));
  out.publish('CONTACTS_UPSERT', contact);
  out.publish('CONTACTS_UPSERT', [contact]);
  out.publish('CONNECTION_UPDATE', connectionUpdatePayload('i', 'close', 401, { reason: 'logged-out' }));
  out.publish('LOGOUT_INSTANCE', null);

  // @ts-expect-error a receipt is not a message record
  out.publish('MESSAGES_UPSERT', { keyId: 'A', remoteJid: 'x', fromMe: false, participant: null, status: 'READ', instanceId: 'i' });
  // @ts-expect-error MESSAGES_DELETE carries a key, not a record
  out.publish('MESSAGES_DELETE', messageRecord(message, 'i'));
  // @ts-expect-error CONTACTS_UPDATE is always a list
  out.publish('CONTACTS_UPDATE', contact);
  // @ts-expect-error INSTANCE_CREATE names the instance, a delete payload is not it
  out.publish('INSTANCE_CREATE', messageDeletePayload(message.key));
  // @ts-expect-error an unknown connection state
  out.publish('CONNECTION_UPDATE', { instance: 'i', state: 'half-open', statusReason: 200 });
  // @ts-expect-error LOGOUT_INSTANCE has no data
  out.publish('LOGOUT_INSTANCE', instanceLifecyclePayload({ id: 'i', name: 'n' }));
  // @ts-expect-error never-sent events cannot be published
  out.publish('TYPEBOT_START', {});
}

const ROOT = path.resolve(__dirname, '../../..');

function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  return { ...config!.options, noEmit: true, incremental: false };
}

/** Diagnostics of this file, compiled with `text` in its place. */
function diagnosticsOf(text: string, options: ts.CompilerOptions): ts.Diagnostic[] {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) =>
    path.resolve(name) === __filename ? ts.createSourceFile(name, text, version) : read(name, version, onError, create);
  const program = ts.createProgram({ rootNames: [__filename], options, host });
  const file = program.getSourceFile(__filename)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
}

const lineOf = (d: ts.Diagnostic) => d.file!.getLineAndCharacterOfPosition(d.start!).line;
const describeAll = (ds: ts.Diagnostic[]) => ds.map((d) => `${lineOf(d) + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`).join('\n');

describe('typed catalogue (compile time)', () => {
  const source = ts.sys.readFile(__filename)!;
  const options = compilerOptions();

  it('compiles as written: every wrong payload is refused where it is marked', () => {
    const diagnostics = diagnosticsOf(source, options);
    expect(describeAll(diagnostics)).toBe('');
  });

  it('without the directives, exactly the marked publish calls fail to compile', () => {
    const lines = source.split('\n');
    const marked = lines.flatMap((l, i) => (l.trim().startsWith('// @ts-expect-error') ? [i + 1] : []));
    expect(marked.length).toBeGreaterThanOrEqual(7);
    const stripped = lines.map((l) => l.replace('// @ts-expect-error', '// (expected error)')).join('\n');
    const diagnostics = diagnosticsOf(stripped, options);
    expect([...new Set(diagnostics.map(lineOf))].sort((a, b) => a - b)).toEqual(marked);
    // 2345: argument not assignable; 2322/2353/2561: a property of the literal is not
    expect(describeAll(diagnostics.filter((d) => ![2345, 2322, 2353, 2561].includes(d.code)))).toBe('');
  });
});

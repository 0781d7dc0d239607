import { sendableWebhookHeaders, webhookHeaderProblem, webhookHeadersProblems } from './webhook-headers';

describe('webhook header rules', () => {
  it('accepts ordinary custom headers, authorization included', () => {
    expect(webhookHeadersProblems({ Authorization: 'Bearer abc', 'X-Tenant': 'São Paulo', 'x-count': 3, jwt_key: 's3cret' })).toEqual([]);
  });

  it.each(['host', 'Content-Length', 'transfer-encoding', 'CONNECTION', 'keep-alive', 'upgrade', 'expect', 'Content-Type', 'webhook-id', 'Webhook-Timestamp', 'webhook-signature', 'webhook-sequence', 'X-Hub-Signature-256'])(
    'refuses overriding %s, naming it, whatever its case',
    (name) => {
      expect(webhookHeaderProblem(name, 'x')).toMatch(new RegExp(`^header "${name}" cannot be overridden: `));
    },
  );

  it.each([['bad name', 'has space'], ['colon', 'x-a:b'], ['CR LF', 'x\r\ny'], ['empty', ''], ['non-ASCII', 'tóken']])(
    'refuses an invalid field name (%s)',
    (_what, name) => {
      expect(webhookHeaderProblem(name, 'x')).toBe(`header name ${JSON.stringify(name)} is not a valid HTTP field name`);
    },
  );

  it.each([['CR LF', 'a\r\nX-Injected: 1'], ['LF', 'a\nb'], ['NUL', 'a\u0000b'], ['DEL', 'a\u007f'], ['beyond Latin-1', 'Привет']])(
    'refuses a value with %s',
    (_what, value) => {
      expect(webhookHeaderProblem('x-a', value)).toMatch(/^header "x-a" value must not contain CR, LF, NUL/);
    },
  );

  it('refuses object and null values', () => {
    expect(webhookHeaderProblem('x-a', { nested: true })).toBe('header "x-a" must have a string value');
    expect(webhookHeaderProblem('x-a', null)).toBe('header "x-a" must have a string value');
  });

  it('sendable headers: lower-cased names, problems reported, unsendable ones left out', () => {
    expect(sendableWebhookHeaders({ 'X-Token': 'a', 'Content-Type': 'text/plain', 'x-bad': 'a\nb', 'User-Agent': 'mine' })).toEqual({
      headers: { 'x-token': 'a', 'user-agent': 'mine' },
      dropped: [
        'header "Content-Type" cannot be overridden: the gateway sends JSON (application/json)',
        expect.stringMatching(/^header "x-bad" value must not contain/),
      ],
    });
  });
});

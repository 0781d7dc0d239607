import type { BinaryNode } from '@whiskeysockets/baileys';

/**
 * Small pure helpers over Baileys' BinaryNode shape (plain objects), kept here instead of
 * using Baileys' runtime helpers so handlers stay synchronous and easy to unit-test.
 */
export const S_WHATSAPP_NET = 's.whatsapp.net';

export function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

export function child(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return children(node).find((c) => c.tag === tag);
}

export function childrenByTag(node: BinaryNode | undefined, tag: string): BinaryNode[] {
  return children(node).filter((c) => c.tag === tag);
}

export function contentBuffer(node: BinaryNode | undefined): Buffer | undefined {
  const content = node?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf-8');
  return undefined;
}

export function childBuffer(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  return contentBuffer(child(node, tag));
}

export function childUInt(node: BinaryNode | undefined, tag: string): number | undefined {
  const buf = childBuffer(node, tag);
  return buf && buf.length > 0 && buf.length <= 6 ? buf.readUIntBE(0, buf.length) : undefined;
}

export function toBigEndian(value: number, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  buf.writeUIntBE(value, 0, bytes);
  return buf;
}

export function unixNow(): string {
  return Math.floor(Date.now() / 1000).toString();
}

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'result', id: request.attrs.id ?? '' },
    ...(content ? { content } : {}),
  };
}

export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'error', id: request.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

/** one-line XML-ish rendering for logs and errors */
export function describeNode(node: BinaryNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  const inner = Array.isArray(node.content)
    ? node.content.map(describeNode).join('')
    : node.content instanceof Uint8Array
      ? `[${node.content.length} bytes]`
      : (node.content ?? '');
  return `<${node.tag}${attrs ? ' ' + attrs : ''}>${inner}</${node.tag}>`;
}

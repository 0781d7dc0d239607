/** Object keys are `<instanceId>/<messageId>`: one object per message, so a redelivery overwrites, never duplicates. */
const SAFE = /^[A-Za-z0-9_-]{1,128}$/;

/** A message id as a key part: Baileys ids as they are; others (Cloud API `wamid.…` with `.+/=`) base64url-encoded. */
function part(id: string): string {
  if (SAFE.test(id)) return id;
  const encoded = `b64-${Buffer.from(id).toString('base64url')}`;
  if (!SAFE.test(encoded)) throw new Error('media key part too long');
  return encoded;
}

export function mediaKey(instanceId: string, messageId: string): string {
  if (!SAFE.test(instanceId)) throw new Error('instance ids are letters, digits, _ or -');
  return `${instanceId}/${part(messageId)}`;
}

export function isMediaKey(key: string): boolean {
  const parts = key.split('/');
  return parts.length === 2 && parts.every((p) => SAFE.test(p));
}

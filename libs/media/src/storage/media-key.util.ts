/** Object keys are `<instanceId>/<messageId>`: one object per message, so a redelivery overwrites, never duplicates. */
const SAFE = /^[A-Za-z0-9_-]{1,128}$/;

export function mediaKey(instanceId: string, messageId: string): string {
  if (!SAFE.test(instanceId) || !SAFE.test(messageId)) throw new Error('media key parts must be letters, digits, _ or -');
  return `${instanceId}/${messageId}`;
}

export function isMediaKey(key: string): boolean {
  const parts = key.split('/');
  return parts.length === 2 && parts.every((p) => SAFE.test(p));
}

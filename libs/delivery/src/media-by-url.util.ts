type MessageData = { message?: { mediaUrl?: unknown; base64?: unknown; base64Omitted?: unknown } };

/** Drops a message's inline base64 when the same media is at its mediaUrl; true if it did. */
function stripInline(data: MessageData | undefined): boolean {
  const m = data?.message;
  if (!m || typeof m.mediaUrl !== 'string' || typeof m.base64 !== 'string') return false;
  const size = Buffer.byteLength(m.base64, 'base64');
  m.base64 = null;
  m.base64Omitted = { reason: 'body-too-large', size };
  return true;
}

/**
 * A webhook body over WEBHOOK_MAX_BODY_BYTES whose media is stored: the same event with the media
 * by URL only (base64 null, the reason given), so the event is delivered instead of dropped as
 * too_large. Undefined when there is nothing to take out.
 */
export function mediaByUrl(body: string): string | undefined {
  if (!body.includes('"mediaUrl"')) return undefined;
  let parsed: { data?: MessageData | MessageData[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  const data = parsed.data;
  const changed = Array.isArray(data) ? data.map(stripInline).some(Boolean) : stripInline(data);
  return changed ? JSON.stringify(parsed) : undefined;
}

/**
 * What must never appear in a process's output: libsignal's session dumps (`Closing session:
 * SessionEntry { ... privKey: <Buffer ...> }`), private-key fields, and raw Buffer dumps.
 * `secrets` adds values a test knows (creds' private keys, tokens) to look for verbatim.
 */
const KEY_MATERIAL = [/privKey/i, /SessionEntry\s*\{/, /<Buffer [0-9a-f]{2}/, /"private"\s*:\s*\{\s*"type"\s*:\s*"Buffer"/];

/** Offending line numbers and what matched (never the line itself: it is the leak). */
export function findKeyMaterial(lines: string[], secrets: string[] = []): string[] {
  const hits: string[] = [];
  lines.forEach((line, i) => {
    for (const pattern of KEY_MATERIAL) if (pattern.test(line)) hits.push(`line ${i + 1}: matches ${pattern}`);
    secrets.forEach((s, j) => {
      if (s && line.includes(s)) hits.push(`line ${i + 1}: contains known secret #${j + 1}`);
    });
  });
  return hits;
}

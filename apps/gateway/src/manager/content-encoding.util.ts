/** The variants of a file the build made, by encoding. */
export interface EncodedVariants {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** Whether Accept-Encoding lists `name` with a non-zero q (a bare name counts as q=1). */
function accepts(acceptEncoding: string, name: string): boolean {
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding.trim().toLowerCase() !== name) return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return q === undefined || Number(q) > 0;
  });
}

/** Brotli when the browser takes it (every current one does), else gzip, else the plain bytes. */
export function pickEncoding(asset: EncodedVariants, acceptEncoding: string): [encoding: string | undefined, body: Buffer] {
  if (asset.br && accepts(acceptEncoding, 'br')) return ['br', asset.br];
  if (asset.gzip && accepts(acceptEncoding, 'gzip')) return ['gzip', asset.gzip];
  return [undefined, asset.body];
}

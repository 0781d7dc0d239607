/** Custom headers sent with every delivery, edited as name/value rows. */
export interface HeaderPair {
  name: string;
  value: string;
}

export const toHeaderPairs = (headers: Record<string, string> | null | undefined): HeaderPair[] =>
  Object.entries(headers ?? {}).map(([name, value]) => ({ name, value }));

export const toHeaders = (pairs: HeaderPair[]): Record<string, string> =>
  Object.fromEntries(pairs.filter((p) => p.name.trim()).map((p) => [p.name.trim(), p.value]));

export function HeadersEditor({ pairs, onChange }: { pairs: HeaderPair[]; onChange: (pairs: HeaderPair[]) => void }) {
  const update = (i: number, patch: Partial<HeaderPair>) => onChange(pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset>
      <legend>Headers</legend>
      {pairs.length === 0 && <p class="hint">No custom headers.</p>}
      {pairs.map((p, i) => (
        <div class="header-row" key={i}>
          <input aria-label="Header name" value={p.name} onInput={(e) => update(i, { name: e.currentTarget.value })} placeholder="Authorization" />
          <input aria-label="Header value" value={p.value} onInput={(e) => update(i, { value: e.currentTarget.value })} placeholder="value" />
          <button type="button" aria-label={`Remove header ${p.name}`} onClick={() => onChange(pairs.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...pairs, { name: '', value: '' }])}>
        Add a header
      </button>
    </fieldset>
  );
}

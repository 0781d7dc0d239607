/**
 * A collapsible JSON view: objects and arrays fold (<details>, keyboard-operable), leaves are
 * plain text. `openDepth` levels start unfolded.
 */
export function JsonTree({ value, name, openDepth = 0 }: { value: unknown; name?: string; openDepth?: number }) {
  const label = name === undefined ? null : <span class="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {label}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? 'undefined'}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details class="json-node" open={openDepth > 0}>
      <summary>
        {label}
        <span class="json-count">{summary}</span>
      </summary>
      <div class="json-children">
        {entries.map(([k, v]) => (
          <JsonTree key={k} name={k} value={v} openDepth={openDepth - 1} />
        ))}
      </div>
    </details>
  );
}

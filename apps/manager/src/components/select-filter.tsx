/** A labelled drop-down filter whose first option ("any") means no filter (the empty string). */
export function SelectFilter(props: { label: string; name: string; value: string; options: readonly string[]; anyLabel?: string; onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}{' '}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{props.anyLabel ?? 'any'}</option>
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

import type { ComponentChildren } from 'preact';

/** A status line: errors are announced to screen readers at once (role=alert), the rest politely. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

import type { ReactNode } from 'react';

export interface CompactSelectProps<T extends string> {
  id: string;
  /** The accessible name (visually hidden: the options say what it is). */
  label: string;
  value: T;
  onChange(value: T): void;
  /** `<option>` elements whose values are all of type T. */
  children: ReactNode;
}

/** A small select with a visually hidden label, as in the sidebar's footer (theme, language). */
export function CompactSelect<T extends string>({ id, label, value, onChange, children }: CompactSelectProps<T>) {
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
        className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-700 dark:bg-slate-950"
      >
        {children}
      </select>
    </>
  );
}

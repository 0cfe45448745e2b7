import { useId, type InputHTMLAttributes } from 'react';
import { ERROR_TEXT, HINT, INPUT } from './settings-styles.ts';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'aria-invalid' | 'aria-describedby'> {
  label: string;
  hint: string;
  value: string;
  onChange(value: string): void;
  /** What is wrong with the value, in words; shown and announced under the field, which is marked invalid. */
  problem: string | null;
  /** Classes that size the input on wider screens (it is full width otherwise). */
  inputClassName?: string;
}

/**
 * One labelled text field of the agent settings: the hint always describes it, and a problem
 * is announced at once and described first, so a screen reader says what to fix.
 */
export function SettingsTextField({ label, hint, value, onChange, problem, inputClassName = '', ...input }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        {...input}
        id={id}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
        onChange={(event) => onChange(event.target.value)}
        className={`mt-1 ${INPUT} ${inputClassName}`}
      />
      <p id={hintId} className={HINT}>
        {hint}
      </p>
      {problem && (
        <p id={problemId} role="alert" className={`mt-1 ${ERROR_TEXT}`}>
          {problem}
        </p>
      )}
    </div>
  );
}

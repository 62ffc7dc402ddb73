/**
 * Form fields that show the API's field problems next to the field (ApiError.fieldErrors, from the problem
 * document's `errors[].path`), with aria-invalid / aria-describedby for screen readers, and a form-level error box.
 */
import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from '../api.js';
import { useT } from '../i18n/use-t.js';

let nextId = 0;
const idOf = (name: string) => `f-${name.replace(/[^\w-]/g, '_')}-${++nextId}`;

export interface FieldProps {
  /** Field name: the input's `name` and the key of its error (`uploads.0.kind` for `/uploads/0/kind`). */
  name: string;
  label: string;
  error?: ApiError | null | undefined;
  hint?: string;
  children?: (props: { id: string; name: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren;
}

/** A labelled control; pass the control as a render function receiving id/name/aria attributes. */
export function Field(props: FieldProps) {
  const id = idOf(props.name);
  const message = props.error?.fieldErrors[props.name];
  const describedBy = message ? `${id}-err` : props.hint ? `${id}-hint` : undefined;
  const control = { id, name: props.name, ...(message ? { 'aria-invalid': 'true' as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) };
  return (
    <div class={message ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children ? props.children(control) : <input {...control} />}
      {props.hint && !message && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {message && (
        <small id={`${id}-err`} class="field-error" role="alert" data-error-for={props.name}>
          {message}
        </small>
      )}
    </div>
  );
}

/** A text input field bound to a value. */
export function TextField(props: Omit<FieldProps, 'children'> & { value: string; onInput: (v: string) => void; type?: 'text' | 'password' | 'number' | 'search' | 'datetime-local' | 'date' | 'month'; required?: boolean; placeholder?: string; autoComplete?: string }) {
  return (
    <Field {...props}>
      {(control) => (
        <input
          {...control}
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          required={props.required}
          placeholder={props.placeholder}
          autoComplete={props.autoComplete}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

/** A select field. */
export function SelectField(props: Omit<FieldProps, 'children'> & { value: string; onChange: (v: string) => void; options: readonly { value: string; label: string }[] }) {
  return (
    <Field {...props}>
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The error of a failed call as a box: its detail (or title) and, for field problems, a hint to the fields. */
export function ErrorBox(props: { error: unknown; onRetry?: () => void }): JSX.Element | null {
  const t = useT();
  if (!props.error) return null;
  const err = props.error;
  let text: string;
  if (err instanceof ApiError) {
    if (err.status === 0) text = t('error.network');
    else if (Object.keys(err.fieldErrors).length > 0) text = `${t('form.invalid')}${err.detail ? ` (${err.detail})` : ''}`;
    else text = err.detail ?? err.message ?? t('error.generic', { status: err.status });
  } else text = err instanceof Error ? err.message : String(err);
  return (
    <div class="error-box" role="alert" data-error={err instanceof ApiError ? err.code : 'ERROR'}>
      <span>{text}</span>
      {props.onRetry && (
        <button type="button" class="secondary" data-action="retry" onClick={props.onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

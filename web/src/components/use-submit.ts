/**
 * The busy / error state of a form's submit: `run(work)` marks the form busy, clears the last error, awaits the work
 * and keeps its failure (as an ApiError by default, so fields show their problems) for Field and ErrorBox.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';

/** An error of any kind as an ApiError (for Field / ErrorBox). */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError({ status: 0, code: 'ERROR', title: String(err) });
}

/** A problem found before sending (bad number, weak password), shaped like the API's 400 so fields show it. */
export function validationError(title: string, fieldErrors: Record<string, string>): ApiError {
  return new ApiError({ status: 400, code: 'APP_ERR_VALIDATION', title, fieldErrors });
}

export interface Submit<E> {
  error: E | null;
  setError: (error: E | null) => void;
  busy: boolean;
  run: (work: () => Promise<void>) => Promise<void>;
}

export function useSubmit<E = ApiError>(toError: (err: unknown) => E = asApiError as (err: unknown) => E): Submit<E> {
  const [error, setError] = useState<E | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toError(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, run };
}

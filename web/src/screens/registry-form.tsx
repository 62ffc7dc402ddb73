/**
 * The create / edit form of a registry record (`form[name="enterprise"|"site"|"point"|"item"]`), its fields from
 * registry-logic.ts FIELDS: POST to the tab's create path, or PATCH the record with only what changed.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import type { Enterprise } from '../api-types.js';
import { Field, SelectField, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { useSubmit, validationError } from '../components/use-submit.js';
import { useT, type T } from '../i18n/use-t.js';
import { FIELDS, formOf, recordBody, UPLOAD_KINDS, type RegistryTab } from './registry-logic.js';

const FORM_NAMES: Readonly<Record<RegistryTab, string>> = { enterprises: 'enterprise', sites: 'site', points: 'point', items: 'item' };

export interface RecordFormProps<R> {
  tab: RegistryTab;
  t: T;
  /** The record being changed; undefined to create one. */
  record?: R & { id: string; name?: string; factor?: string };
  /** POST path of a new record. */
  createPath?: string;
  recordPath: (id: string) => string;
  /** Sites are created for an enterprise picked here. */
  enterprises?: readonly Enterprise[];
  defaultEnterpriseId?: string;
  onDone: (saved: R) => void;
  onCancel: () => void;
}

export function RecordForm<R>(props: RecordFormProps<R>) {
  const { t, tab, record } = props;
  const tc = useT();
  const [values, setValues] = useState(() => formOf(tab, record as Record<string, unknown> | undefined));
  const [enterpriseId, setEnterpriseId] = useState(props.defaultEnterpriseId ?? '');
  const { error, setError, busy, run } = useSubmit();
  const set = (name: string) => (v: string) => setValues({ ...values, [name]: v });

  const submit = async (e: Event) => {
    e.preventDefault();
    const { body, invalid } = recordBody(tab, values, record as Record<string, unknown> | undefined);
    if (invalid.length > 0) {
      setError(validationError(tc('form.invalid'), Object.fromEntries(invalid.map((f) => [f, t('invalidValue')]))));
      return;
    }
    if (record && Object.keys(body).length === 0) {
      setError(new ApiError({ status: 400, code: 'NOTHING_CHANGED', title: t('nothingChanged') }));
      return;
    }
    await run(async () => props.onDone(record ? await api.patch<R>(props.recordPath(record.id), body) : await api.post<R>(props.createPath ?? '', tab === 'sites' ? { enterpriseId, ...body } : body)));
  };

  const fields = FIELDS[tab].filter((f) => !(record && f.createOnly));
  return (
    <form name={FORM_NAMES[tab]} class="panel" onSubmit={submit} data-record={record?.id}>
      <h2>{record ? t('editTitle', { name: record.name ?? record.factor ?? record.id }) : t(`newTitle.${tab}`)}</h2>
      <div class="row">
        {tab === 'sites' && !record && (
          <SelectField
            name="enterpriseId"
            label={t('field.enterpriseId')}
            value={enterpriseId}
            onChange={setEnterpriseId}
            error={error}
            options={[{ value: '', label: t('chooseEnterprise') }, ...(props.enterprises ?? []).filter((x) => x.enabled).map((x) => ({ value: x.id, label: x.name }))]}
          />
        )}
        {fields.map((f) =>
          f.type === 'select' ? (
            <SelectField key={f.name} name={f.name} label={t(`field.${f.name}`)} value={values[f.name] ?? ''} onChange={set(f.name)} error={error} options={(f.options ?? []).map((o) => ({ value: o, label: t(`${f.name}.${o}`) }))} />
          ) : (
            <TextField
              key={f.name}
              name={f.name}
              label={t(`field.${f.name}`)}
              type={f.type === 'datetime' ? 'datetime-local' : 'text'}
              required={f.required}
              value={values[f.name] ?? ''}
              onInput={set(f.name)}
              error={error}
            />
          ),
        )}
      </div>
      {tab === 'items' && (
        <fieldset class="row factor-row">
          <legend class="muted">{t('uploads')}</legend>
          {UPLOAD_KINDS.map((u) => (
            <Field key={u.kind} name={`upload.${u.kind}`} label={t(`upload.${u.kind}`)} error={error}>
              {(c) => <input {...c} inputMode="numeric" size={7} placeholder={String(u.seconds)} value={values[`upload.${u.kind}`] ?? ''} onInput={(e) => set(`upload.${u.kind}`)((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
          ))}
        </fieldset>
      )}
      <FormFooter error={error} submit={{ label: t('save'), disabled: busy || (tab === 'sites' && !record && enterpriseId === '') }} cancelLabel={t('cancel')} onCancel={props.onCancel} />
    </form>
  );
}

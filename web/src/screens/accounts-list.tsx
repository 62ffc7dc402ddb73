/**
 * What the users and tokens tabs share: the search (`q` and a state flag, `disabled` or `revoked`) with its filter
 * bar and create button, the cursor-paged list, and the notice / action error of row actions.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { ListPage } from '../api-types.js';
import { ErrorBox, Field } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Notice } from '../components/Notice.js';
import { useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { asApiError } from '../components/use-submit.js';
import type { T } from '../i18n/use-t.js';

/** The list of `/users` or `/tokens`, searched by `q` and the state `flag` ('' any, 'false' active, 'true' not). */
export function useAccountList<R>(path: '/users' | '/tokens', flag: 'disabled' | 'revoked') {
  const [draft, setDraft] = useState({ q: '', state: '' });
  const [search, setSearch] = useState(draft);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const pager = useCursorPager();
  const list = useLoad(() => api.get<ListPage<R>>(path, { q: search.q, [flag]: search.state, limit: 100, cursor: pager.cursor }), [search, pager.cursor]);
  /** Run a row action: clear the last notice and error, then show `message` and reload, or keep the failure. */
  const act = async (work: () => Promise<unknown>, message: () => string) => {
    setActionError(null);
    setNotice(null);
    try {
      await work();
      setNotice(message());
      list.reload();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };
  return { flag, draft, setDraft, search, setSearch, notice, setNotice, actionError, pager, list, act };
}

type AccountList = ReturnType<typeof useAccountList>;

/** The tab's filter bar (`q`, the state flag) with the create button, then its notice. */
export function AccountFilterBar(props: { name: string; t: T; list: AccountList; inactive: string; onCreate: () => void }) {
  const { t, list } = props;
  const { draft, setDraft, pager } = list;
  const empty = { q: '', state: '' };
  return (
    <>
      <FilterBar name={props.name} onApply={() => (pager.reset(), list.setSearch(draft))} onReset={() => (setDraft(empty), pager.reset(), list.setSearch(empty))}>
        <Field name="q" label={t('search')}>
          {(c) => <input {...c} type="search" value={draft.q} onInput={(e) => setDraft({ ...draft, q: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name={list.flag} label={t('stateFilter')}>
          {(c) => (
            <select {...c} value={draft.state} onChange={(e) => setDraft({ ...draft, state: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('any')}</option>
              <option value="false">{t('active')}</option>
              <option value="true">{props.inactive}</option>
            </select>
          )}
        </Field>
        <button type="button" data-action="create" onClick={() => (list.setNotice(null), props.onCreate())}>
          {t('create')}
        </button>
      </FilterBar>
      <Notice text={list.notice} />
    </>
  );
}

export function AccountListError(props: { list: AccountList }) {
  return <ErrorBox error={props.list.actionError ?? props.list.list.error} onRetry={props.list.list.reload} />;
}

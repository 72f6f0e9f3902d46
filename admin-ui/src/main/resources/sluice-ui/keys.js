// Keys: search and filter (paginated on the server, so 100k keys list as fast as 10), create
// with the key shown once, edit, regenerate, block, delete.
import { api, attempt, badge, button, closeDialog, confirmed, el, formDialog, isAdmin, money, showSecretOnce, state, table, when } from './common.js';

const PAGE_SIZE = 25;

export async function keysPage(main) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = { page: 1, key_alias: params.get('key_alias') || '', team_id: params.get('team_id') || '', user_id: params.get('user_id') || '' };
  const list = el('div');
  const load = async () => {
    const search = new URLSearchParams({ page: query.page, size: PAGE_SIZE, return_full_object: 'true' });
    for (const name of ['key_alias', 'team_id', 'user_id']) if (query[name]) search.set(name, query[name]);
    const data = await api('GET', '/key/list?' + search);
    const pages = Math.max(1, data.total_pages);
    list.replaceChildren(keyTable(data.keys, load), el('div', { class: 'pager' },
      el('button', { id: 'keys-previous', disabled: query.page <= 1, onclick: () => { query.page--; attempt(load); } }, 'Previous'),
      'Page ' + data.current_page + ' of ' + pages + ' · ' + data.total_count + ' keys',
      el('button', { id: 'keys-next', disabled: query.page >= pages, onclick: () => { query.page++; attempt(load); } }, 'Next')));
  };
  const filter = (name, label) => el('label', {}, label, el('input', { id: 'filter-' + name, value: query[name],
    oninput: (e) => { query[name] = e.target.value.trim(); },
    onkeydown: (e) => { if (e.key === 'Enter') { query.page = 1; attempt(load); } } }));
  const mayCreate = isAdmin() || state.session.role === 'internal_user';
  main.append(el('h1', {}, 'Keys'), mayCreate ? keyForm(load) : null,
    el('div', { class: 'toolbar' }, filter('key_alias', 'Alias (exact)'), filter('team_id', 'Team id'), filter('user_id', 'User id'),
      el('button', { id: 'search-keys', onclick: () => { query.page = 1; attempt(load); } }, 'Search')),
    list);
  await load();
}

const KEY_FIELDS = [
  ['key_alias', 'Alias'], ['models', 'Models (comma separated; empty: all)', 'list'],
  ['max_budget', 'Max budget (USD)', 'number'], ['budget_duration', 'Budget resets every (e.g. 30d)'],
  ['rpm_limit', 'RPM limit', 'number'], ['tpm_limit', 'TPM limit', 'number'],
  ['max_parallel_requests', 'Parallel requests', 'number'],
  ['guardrails', 'Guardrails (comma separated names)', 'list'],
];

function keyForm(reload) {
  const fields = [...KEY_FIELDS, ['duration', 'Expires after (e.g. 90d)'], ['team_id', 'Team id'], ['user_id', 'User id'],
    ['metadata', 'Metadata (JSON)', 'json']];
  const inputs = fields.map(([name, label, type]) => ({ name, type, input: el('input', { id: 'key-' + name, name, type: type === 'number' ? 'number' : 'text', step: 'any' }), label }));
  return el('div', { class: 'form', id: 'key-form' },
    inputs.map(({ label, input }) => el('label', {}, label, input)),
    el('div', { class: 'toolbar' }, el('button', { id: 'create-key', class: 'primary', onclick: () => attempt(async () => {
      const body = {};
      for (const { name, type, input } of inputs) {
        const value = input.value.trim();
        if (!value) continue;
        if (type === 'list') body[name] = value.split(',').map((m) => m.trim()).filter(Boolean);
        else if (type === 'json') {
          try { body[name] = JSON.parse(value); } catch (e) { throw new Error('Metadata must be a JSON object, e.g. {"team": "search"}.'); }
        } else if (type === 'number') body[name] = Number(value);
        else body[name] = value;
      }
      const created = await api('POST', '/key/generate', body);
      inputs.forEach(({ input }) => { input.value = ''; });
      showSecretOnce('Your new key', created.key);
      await reload();
    }) }, 'Create key')));
}

function editKey(key, reload) {
  formDialog('Edit key ' + (key.key_alias || key.key_name), KEY_FIELDS.map(([name, label, type]) => ({ name, label, type,
    value: name === 'guardrails' ? ((key.metadata || {}).guardrails || []) : key[name] })),
    async (body) => {
      await api('POST', '/key/update', { key: key.token, ...body });
      closeDialog();
      await reload();
    });
}

function keyTable(keys, reload) {
  const act = (label, path, body) => button(label, () => attempt(async () => {
    const result = await api('POST', path, body);
    if (result && result.key && path.includes('regenerate')) showSecretOnce('The regenerated key', result.key);
    await reload();
  }));
  const limits = (k) => [k.rpm_limit ? k.rpm_limit + ' rpm' : null, k.tpm_limit ? k.tpm_limit + ' tpm' : null,
    k.max_parallel_requests ? k.max_parallel_requests + ' parallel' : null].filter(Boolean).join(', ') || '—';
  return table('keys', ['Alias', 'Key', 'Team', 'User', 'Models', '#Spend', '#Budget', 'Limits', 'Expires', 'Status', ''],
    keys.map((k) => el('tr', { 'data-alias': k.key_alias || '' },
      el('td', {}, k.key_alias || '—'), el('td', { class: 'muted mono' }, k.key_name || '—'), el('td', {}, k.team_id || '—'),
      el('td', {}, k.user_id || '—'), el('td', {}, (k.models || []).join(', ') || 'all'),
      el('td', { class: 'num spend' }, money(k.spend)),
      el('td', { class: 'num' }, k.max_budget === null || k.max_budget === undefined ? '—'
        : money(k.max_budget) + (k.budget_duration ? ' / ' + k.budget_duration : '')),
      el('td', { class: 'muted' }, limits(k)), el('td', {}, when(k.expires)),
      el('td', {}, badge(!k.blocked, k.blocked ? 'blocked' : 'active')),
      el('td', { class: 'actions' }, isAdmin() ? [
        button('Edit', () => editKey(k, reload)),
        k.blocked ? act('Unblock', '/key/unblock', { key: k.token }) : act('Block', '/key/block', { key: k.token }),
        button('Regenerate', () => confirmed('Regenerate this key? The old key stops working at once.', async () => {
          const result = await api('POST', '/key/regenerate', { key: k.token });
          showSecretOnce('The regenerated key', result.key);
          await reload();
        })),
        button('Delete', () => confirmed('Delete key ' + (k.key_alias || k.key_name) + '? Calls with it will be refused.', async () => {
          await api('POST', '/key/delete', { keys: [k.token] });
          await reload();
        }), 'link danger'),
      ] : null))), 'No keys match.');
}

// Sluice's admin UI: plain JavaScript against the public admin API, with the session cookie
// and its CSRF token. Every value from the API goes into the page as text, never as HTML.
'use strict';

const state = { session: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && state.session) headers['X-CSRF-Token'] = state.session.csrf_token;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined });
  } catch (e) {
    throw new Error('The gateway cannot be reached (' + e.message + '). Is it running?');
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/ui/login') { state.session = null; render(); }
    const message = data && data.error && data.error.message ? data.error.message : 'The gateway answered ' + response.status + '.';
    throw new Error(message);
  }
  return data;
}

const money = (value) => value === null || value === undefined || value === '' ? '—' : '$' + Number(value).toFixed(4);
const when = (value) => value ? new Date(value).toLocaleString() : '—';
const isAdmin = () => state.session && state.session.role === 'proxy_admin';
const canRead = () => state.session && (state.session.role === 'proxy_admin' || state.session.role === 'proxy_admin_viewer');

const pages = {
  keys: { title: 'Keys', show: () => true, render: keysPage },
  teams: { title: 'Teams', show: canRead, render: teamsPage },
  users: { title: 'Users', show: canRead, render: usersPage },
  models: { title: 'Models', show: () => true, render: modelsPage },
  usage: { title: 'Usage', show: () => true, render: usagePage },
  logs: { title: 'Logs', show: () => true, render: logsPage },
  plugins: { title: 'Plugins', show: canRead, render: pluginsPage },
};

function currentPage() {
  const name = location.hash.replace(/^#\/?/, '') || 'keys';
  return pages[name] && pages[name].show() ? name : 'keys';
}

async function render() {
  showError('');
  const main = $('main');
  main.replaceChildren();
  if (!state.session) {
    $('nav').hidden = true; $('logout').hidden = true; $('who').textContent = '';
    main.append(loginForm());
    return;
  }
  const page = currentPage();
  $('nav').hidden = false; $('logout').hidden = false;
  $('who').textContent = state.session.user + ' (' + state.session.role.replace(/_/g, ' ') + ')';
  $('nav').replaceChildren(...Object.entries(pages).filter(([, p]) => p.show())
    .map(([name, p]) => el('a', { href: '#/' + name, class: name === page ? 'active' : null }, p.title)));
  try {
    await pages[page].render(main);
  } catch (e) {
    showError(e.message);
  }
}

function loginForm() {
  const key = el('input', { id: 'login-key', type: 'password', autocomplete: 'current-password', placeholder: 'sk-...' });
  const user = el('input', { id: 'login-user', autocomplete: 'username' });
  const password = el('input', { id: 'login-password', type: 'password', autocomplete: 'current-password' });
  const submit = async (body) => {
    try {
      state.session = await api('POST', '/ui/login', body);
      render();
    } catch (e) { showError(e.message); }
  };
  return el('div', { class: 'login card' },
    el('h1', {}, 'Log in to Sluice'),
    el('label', {}, 'Master key or virtual key', key),
    el('button', { id: 'login-with-key', class: 'primary', onclick: () => submit({ key: key.value }) }, 'Log in with key'),
    el('p', { class: 'muted' }, 'or with UI_USERNAME / UI_PASSWORD'),
    el('label', {}, 'Username', user),
    el('label', {}, 'Password', password),
    el('button', { onclick: () => submit({ username: user.value, password: password.value }) }, 'Log in'));
}

// ---- keys ----------------------------------------------------------------------------------

async function keysPage(main) {
  const query = { page: 1, size: 25, key_alias: '', team_id: '', user_id: '' };
  const table = el('div');
  const load = async () => {
    const params = new URLSearchParams({ page: query.page, size: query.size, return_full_object: 'true' });
    for (const name of ['key_alias', 'team_id', 'user_id']) if (query[name]) params.set(name, query[name]);
    const data = await api('GET', '/key/list?' + params);
    table.replaceChildren(keyTable(data.keys, load), el('div', { class: 'pager' },
      el('button', { disabled: query.page <= 1, onclick: () => { query.page--; load().catch((e) => showError(e.message)); } }, 'Previous'),
      'Page ' + data.current_page + ' of ' + Math.max(1, data.total_pages) + ' · ' + data.total_count + ' keys',
      el('button', { disabled: query.page >= data.total_pages, onclick: () => { query.page++; load().catch((e) => showError(e.message)); } }, 'Next')));
  };
  const filter = (name, label) => el('label', {}, label, el('input', { id: 'filter-' + name, oninput: (e) => { query[name] = e.target.value.trim(); } }));
  main.append(el('h1', {}, 'Keys'),
    isAdmin() || state.session.role === 'internal_user' ? keyForm(load) : null,
    el('div', { class: 'toolbar' }, filter('key_alias', 'Alias'), filter('team_id', 'Team id'), filter('user_id', 'User id'),
      el('button', { id: 'search-keys', onclick: () => { query.page = 1; load().catch((e) => showError(e.message)); } }, 'Search')),
    table);
  await load();
}

function keyForm(reload) {
  const field = (name, label, type = 'text') => el('label', {}, label, el('input', { id: 'key-' + name, name, type }));
  const form = el('div', { class: 'form', id: 'key-form' },
    field('key_alias', 'Alias'), field('models', 'Models (comma separated, empty: all)'),
    field('max_budget', 'Max budget (USD)', 'number'), field('budget_duration', 'Budget duration (e.g. 30d)'),
    field('rpm_limit', 'RPM limit', 'number'), field('tpm_limit', 'TPM limit', 'number'),
    field('max_parallel_requests', 'Parallel requests', 'number'), field('duration', 'Expires after (e.g. 90d)'),
    field('team_id', 'Team id'), field('user_id', 'User id'), field('metadata', 'Metadata (JSON)'),
    el('div', { class: 'toolbar' }, el('button', { id: 'create-key', class: 'primary', onclick: async () => {
      try {
        const body = {};
        for (const input of form.querySelectorAll('input')) {
          const value = input.value.trim();
          if (!value) continue;
          if (input.name === 'models') body.models = value.split(',').map((m) => m.trim()).filter(Boolean);
          else if (input.name === 'metadata') {
            try { body.metadata = JSON.parse(value); } catch (e) { throw new Error('Metadata must be a JSON object, e.g. {"team": "search"}.'); }
          } else if (input.type === 'number') body[input.name] = Number(value);
          else body[input.name] = value;
        }
        const created = await api('POST', '/key/generate', body);
        form.querySelectorAll('input').forEach((input) => { input.value = ''; });
        showKeyOnce(created.key);
        await reload();
      } catch (e) { showError(e.message); }
    } }, 'Create key')));
  return form;
}

function showKeyOnce(key) {
  const dialog = $('dialog');
  $('dialog-body').replaceChildren(
    el('h2', {}, 'Your new key'),
    el('p', {}, 'Copy it now: it is shown only once. Sluice keeps only its hash.'),
    el('div', { class: 'secret', id: 'new-key' }, key),
    el('div', { class: 'toolbar' },
      el('button', { class: 'primary', onclick: async (e) => {
        try { await navigator.clipboard.writeText(key); e.target.textContent = 'Copied'; } catch (err) { e.target.textContent = 'Select and copy it by hand'; }
      } }, 'Copy'),
      el('button', { id: 'close-dialog', onclick: () => dialog.close() }, 'Done')));
  dialog.showModal();
}

function keyTable(keys, reload) {
  const act = (label, path, body, confirmText, cls) => el('button', { class: cls || 'link', 'data-action': label.toLowerCase(), onclick: async () => {
    if (confirmText && !confirm(confirmText)) return;
    try {
      const result = await api('POST', path, body);
      if (result && result.key && path.includes('regenerate')) showKeyOnce(result.key);
      await reload();
    } catch (e) { showError(e.message); }
  } }, label);
  return el('table', { id: 'keys' },
    el('thead', {}, el('tr', {}, ['Alias', 'Key', 'Team', 'User', 'Models', 'Spend', 'Budget', 'Limits', 'Expires', 'Status', ''].map((h) => el('th', {}, h)))),
    el('tbody', {}, keys.length === 0 ? el('tr', {}, el('td', { colspan: 11, class: 'muted' }, 'No keys match.')) : keys.map((k) => el('tr', { 'data-alias': k.key_alias || '' },
      el('td', {}, k.key_alias || '—'), el('td', { class: 'muted' }, k.key_name || '—'), el('td', {}, k.team_id || '—'),
      el('td', {}, k.user_id || '—'), el('td', {}, (k.models || []).join(', ') || 'all'),
      el('td', { class: 'num spend' }, money(k.spend)), el('td', { class: 'num' }, k.max_budget === null || k.max_budget === undefined ? '—' : money(k.max_budget) + (k.budget_duration ? ' / ' + k.budget_duration : '')),
      el('td', { class: 'muted' }, [k.rpm_limit ? k.rpm_limit + ' rpm' : null, k.tpm_limit ? k.tpm_limit + ' tpm' : null, k.max_parallel_requests ? k.max_parallel_requests + ' parallel' : null].filter(Boolean).join(', ') || '—'),
      el('td', {}, when(k.expires)),
      el('td', {}, k.blocked ? el('span', { class: 'badge bad' }, 'blocked') : el('span', { class: 'badge' }, 'active')),
      el('td', {}, isAdmin() ? [
        k.blocked ? act('Unblock', '/key/unblock', { key: k.token }) : act('Block', '/key/block', { key: k.token }),
        act('Regenerate', '/key/regenerate', { key: k.token }, 'Regenerate this key? The old key stops working at once.'),
        act('Delete', '/key/delete', { keys: [k.token] }, 'Delete key ' + (k.key_alias || k.key_name) + '? Calls with it will be refused.', 'link danger'),
      ] : null)))));
}

// ---- teams and users ---------------------------------------------------------------------------

async function teamsPage(main) {
  const list = el('div');
  const load = async () => {
    const teams = await api('GET', '/team/list');
    list.replaceChildren(el('table', { id: 'teams' },
      el('thead', {}, el('tr', {}, ['Alias', 'Id', 'Members', 'Models', 'Spend', 'Budget', 'Status', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, teams.map((t) => el('tr', {},
        el('td', {}, t.team_alias || '—'), el('td', { class: 'muted' }, t.team_id),
        el('td', {}, (t.members_with_roles || []).map((m) => m.user_id + ' (' + m.role + ')').join(', ') || '—'),
        el('td', {}, (t.models || []).join(', ') || 'all'), el('td', { class: 'num' }, money(t.spend)),
        el('td', { class: 'num' }, t.max_budget === null || t.max_budget === undefined ? '—' : money(t.max_budget)),
        el('td', {}, t.blocked ? el('span', { class: 'badge bad' }, 'blocked') : el('span', { class: 'badge' }, 'active')),
        el('td', {}, isAdmin() ? [
          el('button', { class: 'link', onclick: () => act(t.blocked ? '/team/unblock' : '/team/block', { team_id: t.team_id }) }, t.blocked ? 'Unblock' : 'Block'),
          el('button', { class: 'link danger', onclick: () => confirm('Delete team ' + (t.team_alias || t.team_id) + ' and its keys?') && act('/team/delete', { team_ids: [t.team_id] }) }, 'Delete'),
        ] : null))))));
  };
  const act = async (path, body) => { try { await api('POST', path, body); await load(); } catch (e) { showError(e.message); } };
  const alias = el('input', { id: 'team-alias' });
  const budget = el('input', { id: 'team-budget', type: 'number' });
  const members = el('input', { id: 'team-members', placeholder: 'user ids, comma separated' });
  main.append(el('h1', {}, 'Teams'), isAdmin() ? el('div', { class: 'form' },
    el('label', {}, 'Alias', alias), el('label', {}, 'Max budget (USD)', budget), el('label', {}, 'Members', members),
    el('div', { class: 'toolbar' }, el('button', { class: 'primary', onclick: async () => {
      const body = { team_alias: alias.value.trim() };
      if (budget.value) body.max_budget = Number(budget.value);
      const ids = members.value.split(',').map((m) => m.trim()).filter(Boolean);
      if (ids.length) body.members_with_roles = ids.map((id) => ({ user_id: id, role: 'user' }));
      await act('/team/new', body);
    } }, 'Create team'))) : null, list);
  await load();
}

async function usersPage(main) {
  const list = el('div');
  const load = async () => {
    const data = await api('GET', '/user/list');
    const users = data.users || data;
    list.replaceChildren(el('table', { id: 'users' },
      el('thead', {}, el('tr', {}, ['User', 'Email', 'Role', 'Teams', 'Spend', 'Budget'].map((h) => el('th', {}, h)))),
      el('tbody', {}, users.map((u) => el('tr', {}, el('td', {}, u.user_id), el('td', {}, u.user_email || '—'),
        el('td', {}, u.user_role || '—'), el('td', {}, (u.teams || []).join(', ') || '—'),
        el('td', { class: 'num' }, money(u.spend)), el('td', { class: 'num' }, u.max_budget === null || u.max_budget === undefined ? '—' : money(u.max_budget)))))));
  };
  const id = el('input', { id: 'user-id' });
  const email = el('input', { id: 'user-email', type: 'email' });
  const role = el('select', { id: 'user-role' }, ['internal_user', 'internal_user_viewer', 'proxy_admin', 'proxy_admin_viewer'].map((r) => el('option', { value: r }, r)));
  main.append(el('h1', {}, 'Users'), isAdmin() ? el('div', { class: 'form' },
    el('label', {}, 'User id', id), el('label', {}, 'Email', email), el('label', {}, 'Role', role),
    el('div', { class: 'toolbar' }, el('button', { class: 'primary', onclick: async () => {
      try {
        const created = await api('POST', '/user/new', { user_id: id.value.trim() || undefined, user_email: email.value.trim() || undefined, user_role: role.value });
        if (created.key) showKeyOnce(created.key);
        await load();
      } catch (e) { showError(e.message); }
    } }, 'Create user'))) : null, list);
  await load();
}

// ---- models, usage, logs, plugins -------------------------------------------------------------

async function modelsPage(main) {
  const data = await api('GET', '/model/info');
  main.append(el('h1', {}, 'Models'), el('table', { id: 'models' },
    el('thead', {}, el('tr', {}, ['Model group', 'Deployment', 'Upstream model', 'API base', 'RPM', 'TPM'].map((h) => el('th', {}, h)))),
    el('tbody', {}, data.data.map((m) => el('tr', {}, el('td', {}, m.model_name), el('td', { class: 'muted' }, m.model_info && m.model_info.id),
      el('td', {}, m.litellm_params && m.litellm_params.model), el('td', { class: 'muted' }, (m.litellm_params && m.litellm_params.api_base) || '—'),
      el('td', { class: 'num' }, (m.litellm_params && m.litellm_params.rpm) || '—'), el('td', { class: 'num' }, (m.litellm_params && m.litellm_params.tpm) || '—'))))));
}

function isoDay(offsetDays) {
  const day = new Date(Date.now() + offsetDays * 86400000);
  return day.toISOString().slice(0, 10);
}

async function usagePage(main) {
  const from = el('input', { id: 'usage-from', type: 'date', value: isoDay(-29) });
  const to = el('input', { id: 'usage-to', type: 'date', value: isoDay(0) });
  const group = el('select', { id: 'usage-group' }, [['team', 'Team'], ['model', 'Model'], ['customer', 'Customer']].map(([v, l]) => el('option', { value: v }, l)));
  const out = el('div');
  const load = async () => {
    const params = new URLSearchParams({ start_date: from.value, end_date: to.value, group_by: group.value });
    const report = await api('GET', '/global/spend/report?' + params);
    const list = { team: 'teams', model: 'models', customer: 'customers' }[group.value];
    const nameField = { team: 'team_name', model: 'model_group', customer: 'customer' }[group.value];
    const perDay = []; const perGroup = new Map();
    for (const day of report) {
      let total = 0;
      for (const item of day[list] || []) {
        total += Number(item.total_spend);
        const name = item[nameField] || '—';
        const sums = perGroup.get(name) || { spend: 0, tokens: 0 };
        sums.spend += Number(item.total_spend);
        for (const detail of item.metadata || []) sums.tokens += Number(detail.total_tokens);
        perGroup.set(name, sums);
      }
      perDay.push({ day: day.group_by_day.slice(0, 10), total });
    }
    const top = [...perGroup.entries()].sort((a, b) => b[1].spend - a[1].spend);
    out.replaceChildren(chart(perDay), el('h2', {}, 'Top spenders by ' + group.value),
      el('table', { id: 'usage' }, el('thead', {}, el('tr', {}, el('th', {}, group.value), el('th', { class: 'num' }, 'Spend'), el('th', { class: 'num' }, 'Tokens'))),
        el('tbody', {}, top.length === 0 ? el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No spend in this period.'))
          : top.map(([name, sums]) => el('tr', {}, el('td', {}, name), el('td', { class: 'num' }, money(sums.spend)), el('td', { class: 'num' }, sums.tokens))))));
  };
  main.append(el('h1', {}, 'Usage'), el('div', { class: 'toolbar' }, el('label', {}, 'From', from), el('label', {}, 'To', to),
    el('label', {}, 'By', group), el('button', { id: 'usage-show', onclick: () => load().catch((e) => showError(e.message)) }, 'Show')), out);
  await load();
}

function chart(points) {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 900; const height = 160; const max = Math.max(...points.map((p) => p.total), 1e-9);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (height + 20)); svg.setAttribute('width', '100%');
  const bar = points.length ? width / points.length : width;
  points.forEach((point, i) => {
    const h = Math.round((point.total / max) * height);
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', i * bar + 2); rect.setAttribute('y', height - h); rect.setAttribute('width', Math.max(1, bar - 4)); rect.setAttribute('height', h);
    const title = document.createElementNS(ns, 'title'); title.textContent = point.day + ': ' + money(point.total);
    rect.append(title); svg.append(rect);
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', i * bar + 2); label.setAttribute('y', height + 14); label.textContent = point.day.slice(5);
    svg.append(label);
  });
  return el('div', { class: 'chart' }, el('div', { class: 'muted' }, 'Spend per day (UTC)'), svg);
}

async function logsPage(main) {
  const out = el('div');
  const load = async () => {
    const rows = await api('GET', '/spend/logs?' + new URLSearchParams({ start_date: isoDay(-1), end_date: isoDay(0) }));
    rows.sort((a, b) => (b.startTime || '').localeCompare(a.startTime || ''));
    out.replaceChildren(el('table', { id: 'logs' },
      el('thead', {}, el('tr', {}, ['Time', 'Status', 'Model', 'Deployment', 'Key', 'Latency', 'Tokens', 'Cost', 'Cache'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.slice(0, 200).map((r) => el('tr', {},
        el('td', {}, when(r.startTime)), el('td', {}, r.status === 'success' ? el('span', { class: 'badge' }, r.status) : el('span', { class: 'badge bad' }, r.status)),
        el('td', {}, r.model_group || r.model), el('td', { class: 'muted' }, r.model_id || '—'),
        el('td', {}, (r.metadata && r.metadata.user_api_key_alias) || '—'),
        el('td', { class: 'num' }, r.startTime && r.endTime ? (new Date(r.endTime) - new Date(r.startTime)) + ' ms' : '—'),
        el('td', { class: 'num' }, r.prompt_tokens + ' / ' + r.completion_tokens), el('td', { class: 'num' }, money(r.spend)),
        el('td', {}, r.cache_hit === 'true' ? 'hit' : '—'))))));
  };
  main.append(el('h1', {}, 'Logs'), el('p', { class: 'muted' }, 'The last 200 calls of the past two days (UTC).'),
    el('div', { class: 'toolbar' }, el('button', { onclick: () => load().catch((e) => showError(e.message)) }, 'Refresh')), out);
  await load();
}

async function pluginsPage(main) {
  const ready = await api('GET', '/health/readiness');
  main.append(el('h1', {}, 'Plugins'), el('table', { id: 'plugins' },
    el('thead', {}, el('tr', {}, ['Plugin', 'Version', 'Plugin API', 'State', 'File'].map((h) => el('th', {}, h)))),
    el('tbody', {}, (ready.plugins || []).map((p) => el('tr', {}, el('td', {}, p.id), el('td', {}, p.version), el('td', { class: 'muted' }, p.requires),
      el('td', {}, p.state === 'STARTED' || p.state === 'started' ? el('span', { class: 'badge' }, p.state) : el('span', { class: 'badge bad', title: p.problem || '' }, p.state)),
      el('td', { class: 'muted' }, p.file))))));
}

// ---- start ------------------------------------------------------------------------------------

$('logout').addEventListener('click', async () => {
  try { await api('POST', '/ui/logout'); } catch (e) { /* logged out either way */ }
  state.session = null;
  render();
});
window.addEventListener('hashchange', render);
(async () => {
  try { state.session = await api('GET', '/ui/session'); } catch (e) { state.session = null; }
  showError('');
  render();
})();

// Sluice's admin UI: plain JavaScript modules against the public admin API, logged in with a
// session cookie whose state-changing calls carry its CSRF token. No build step.
import { $, api, canReadAll, el, showError, state } from './common.js';
import { keysPage } from './keys.js';
import { teamsPage, usersPage } from './accounts.js';
import { modelsPage } from './models.js';
import { usagePage } from './usage.js';
import { logsPage } from './logs.js';
import { budgetsPage, customersPage, pluginsPage } from './settings.js';
import { observabilityPage } from './observability.js';

// Pages a role cannot use are not shown; the API refuses what a role may not do either way.
const pages = {
  keys: { title: 'Keys', show: () => true, render: keysPage },
  teams: { title: 'Teams', show: canReadAll, render: teamsPage },
  users: { title: 'Users', show: canReadAll, render: usersPage },
  customers: { title: 'Customers', show: canReadAll, render: customersPage },
  budgets: { title: 'Budget tiers', show: canReadAll, render: budgetsPage },
  models: { title: 'Models', show: () => true, render: modelsPage },
  usage: { title: 'Usage', show: () => true, render: usagePage },
  logs: { title: 'Logs', show: () => true, render: logsPage },
  plugins: { title: 'Plugins', show: canReadAll, render: pluginsPage },
  observability: { title: 'Loggers & alerts', show: canReadAll, render: observabilityPage },
};

function currentPage() {
  const name = location.hash.replace(/^#\/?/, '').split('?')[0] || 'keys';
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
  key.addEventListener('keydown', (e) => { if (e.key === 'Enter') submit({ key: key.value }); });
  password.addEventListener('keydown', (e) => { if (e.key === 'Enter') submit({ username: user.value, password: password.value }); });
  return el('div', { class: 'login card' },
    el('h1', {}, 'Log in to Sluice'),
    el('label', {}, 'Master key or virtual key', key),
    el('button', { id: 'login-with-key', class: 'primary', onclick: () => submit({ key: key.value }) }, 'Log in with key'),
    el('p', { class: 'muted' }, 'or with UI_USERNAME / UI_PASSWORD'),
    el('label', {}, 'Username', user),
    el('label', {}, 'Password', password),
    el('button', { id: 'login-with-password', onclick: () => submit({ username: user.value, password: password.value }) }, 'Log in'));
}

state.onLoggedOut = render;
$('logout').addEventListener('click', async () => {
  try { await api('POST', '/ui/logout'); } catch (e) { /* logged out either way */ }
  state.session = null;
  render();
});
window.addEventListener('hashchange', render);
(async () => {
  try {
    const session = await api('GET', '/ui/session');
    state.session = session.logged_in ? session : null;
  } catch (e) { showError(e.message); }
  render();
})();

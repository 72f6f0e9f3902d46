// Teams and users: create, edit, members and their roles, budgets, their keys and spend.
import { api, attempt, badge, button, closeDialog, confirmed, el, formDialog, isAdmin, money, showDialog, showSecretOnce, table } from './common.js';

const budget = (value) => value === null || value === undefined ? '—' : money(value);
const TEAM_FIELDS = [['team_alias', 'Alias'], ['models', 'Models (comma separated; empty: all)', 'list'],
  ['max_budget', 'Max budget (USD)', 'number'], ['budget_duration', 'Budget resets every (e.g. 30d)'],
  ['rpm_limit', 'RPM limit', 'number'], ['tpm_limit', 'TPM limit', 'number'],
  ['guardrails', 'Guardrails (comma separated names)', 'list']];
const ROLES = [['user', 'user'], ['admin', 'team admin']];

export async function teamsPage(main) {
  const list = el('div');
  const load = async () => {
    const teams = await api('GET', '/team/list');
    list.replaceChildren(table('teams', ['Alias', 'Id', 'Members', 'Models', '#Spend', '#Budget', 'Status', ''],
      teams.map((t) => el('tr', { 'data-team': t.team_alias || t.team_id },
        el('td', {}, t.team_alias || '—'), el('td', { class: 'muted mono' }, t.team_id),
        el('td', {}, (t.members_with_roles || []).map((m) => m.user_id + ' (' + m.role + ')').join(', ') || '—'),
        el('td', {}, (t.models || []).join(', ') || 'all'), el('td', { class: 'num' }, money(t.spend)),
        el('td', { class: 'num' }, budget(t.max_budget) + (t.budget_duration ? ' / ' + t.budget_duration : '')),
        el('td', {}, badge(!t.blocked, t.blocked ? 'blocked' : 'active')),
        el('td', { class: 'actions' }, button('Open', () => attempt(() => teamDetails(t.team_id, load))),
          isAdmin() ? [
            button('Edit', () => formDialog('Edit team ' + (t.team_alias || t.team_id),
              TEAM_FIELDS.map(([name, label, type]) => ({ name, label, type,
                value: name === 'guardrails' ? ((t.metadata || {}).guardrails || []) : t[name] })), async (body) => {
                await api('POST', '/team/update', { team_id: t.team_id, ...body });
                closeDialog(); await load();
              })),
            button(t.blocked ? 'Unblock' : 'Block', () => attempt(async () => {
              await api('POST', t.blocked ? '/team/unblock' : '/team/block', { team_id: t.team_id }); await load();
            })),
            button('Delete', () => confirmed('Delete team ' + (t.team_alias || t.team_id) + ' and all its keys?', async () => {
              await api('POST', '/team/delete', { team_ids: [t.team_id] }); await load();
            }), 'link danger'),
          ] : null))), 'No teams yet.'));
  };
  main.append(el('h1', {}, 'Teams'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('button', { id: 'new-team', class: 'primary', onclick: () =>
      formDialog('New team', [...TEAM_FIELDS.map(([name, label, type]) => ({ name, label, type })),
        { name: 'members', label: 'Members (user ids, comma separated)', type: 'list' }], async (body) => {
        const members = body.members || [];
        delete body.members;
        if (members.length) body.members_with_roles = members.map((id) => ({ user_id: id, role: 'user' }));
        await api('POST', '/team/new', body);
        closeDialog(); await load();
      }, 'Create team') }, 'New team')) : null,
    list);
  await load();
}

async function teamDetails(teamId, reload) {
  const info = await api('GET', '/team/info?team_id=' + encodeURIComponent(teamId));
  const team = info.team_info;
  const refresh = async () => { await teamDetails(teamId, reload); await reload(); };
  const userId = el('input', { id: 'member-user' });
  const role = el('select', { id: 'member-role' }, ROLES.map(([v, l]) => el('option', { value: v }, l)));
  showDialog(el('h2', {}, 'Team ' + (team.team_alias || teamId)),
    el('p', { class: 'muted' }, 'Spend ' + money(team.spend) + ' of ' + budget(team.max_budget)
      + (team.max_budget ? ' · ' + money(Math.max(0, team.max_budget - team.spend)) + ' left' : '')),
    el('h2', {}, 'Members'),
    table('members', ['User', 'Role', '#Spend in team', ''], (info.team_memberships || []).map((m) => el('tr', {},
      el('td', {}, m.user_id), el('td', {}, m.role || (team.members_with_roles || []).find((r) => r.user_id === m.user_id)?.role || 'user'),
      el('td', { class: 'num' }, money(m.spend)),
      el('td', {}, isAdmin() ? button('Remove', () => attempt(async () => {
        await api('POST', '/team/member_delete', { team_id: teamId, user_id: m.user_id }); await refresh();
      }), 'link danger') : null))), 'No members.'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('label', {}, 'User id', userId), el('label', {}, 'Role', role),
      el('button', { id: 'add-member', onclick: () => attempt(async () => {
        await api('POST', '/team/member_add', { team_id: teamId, member: [{ user_id: userId.value.trim(), role: role.value }] });
        await refresh();
      }) }, 'Add member')) : null,
    el('h2', {}, 'Keys'),
    table('team-keys', ['Alias', 'Key', '#Spend', '#Budget'], (info.keys || []).map((k) => el('tr', {},
      el('td', {}, k.key_alias || '—'), el('td', { class: 'muted mono' }, k.key_name), el('td', { class: 'num' }, money(k.spend)),
      el('td', { class: 'num' }, budget(k.max_budget)))), 'No keys.'),
    el('div', { class: 'toolbar' }, el('button', { id: 'close-dialog', onclick: closeDialog }, 'Close')));
}

const USER_ROLES = ['internal_user', 'internal_user_viewer', 'proxy_admin', 'proxy_admin_viewer'].map((r) => [r, r.replace(/_/g, ' ')]);
const USER_FIELDS = [['user_email', 'Email'], ['max_budget', 'Max budget (USD)', 'number'],
  ['budget_duration', 'Budget resets every (e.g. 30d)'], ['models', 'Models (comma separated; empty: all)', 'list'],
  ['rpm_limit', 'RPM limit', 'number'], ['tpm_limit', 'TPM limit', 'number']];

export async function usersPage(main) {
  const list = el('div');
  let page = 1;
  const load = async () => {
    const data = await api('GET', '/user/list?page_size=50&page=' + page);
    const users = data.users || data;
    const pages = Math.max(1, data.total_pages || 1);
    const pager = el('div', { class: 'pager' },
      el('button', { disabled: page <= 1, onclick: () => { page--; attempt(load); } }, 'Previous'),
      'Page ' + page + ' of ' + pages + ' · ' + (data.total ?? users.length) + ' users',
      el('button', { disabled: page >= pages, onclick: () => { page++; attempt(load); } }, 'Next'));
    list.replaceChildren(table('users', ['User', 'Email', 'Role', 'Teams', '#Spend', '#Budget', ''],
      users.map((u) => el('tr', { 'data-user': u.user_id }, el('td', {}, u.user_id), el('td', {}, u.user_email || '—'),
        el('td', {}, (u.user_role || '—').replace(/_/g, ' ')), el('td', {}, (u.teams || []).join(', ') || '—'),
        el('td', { class: 'num' }, money(u.spend)), el('td', { class: 'num' }, budget(u.max_budget)),
        el('td', { class: 'actions' }, el('a', { href: '#/keys?user_id=' + encodeURIComponent(u.user_id) }, 'Keys'),
          isAdmin() ? [
            button('Edit', () => formDialog('Edit user ' + u.user_id, [
              { name: 'user_role', label: 'Role', type: 'select', options: USER_ROLES, value: u.user_role },
              ...USER_FIELDS.map(([name, label, type]) => ({ name, label, type, value: u[name] }))], async (body) => {
              await api('POST', '/user/update', { user_id: u.user_id, ...body });
              closeDialog(); await load();
            })),
            button('Delete', () => confirmed('Delete user ' + u.user_id + ', their keys and team memberships?', async () => {
              await api('POST', '/user/delete', { user_ids: [u.user_id] }); await load();
            }), 'link danger'),
          ] : null))), 'No users yet.'), pager);
  };
  main.append(el('h1', {}, 'Users'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('button', { id: 'new-user', class: 'primary', onclick: () =>
      formDialog('New user', [{ name: 'user_id', label: 'User id (empty: generated)' },
        { name: 'user_role', label: 'Role', type: 'select', options: USER_ROLES, value: 'internal_user' },
        ...USER_FIELDS.map(([name, label, type]) => ({ name, label, type }))], async (body) => {
        const created = await api('POST', '/user/new', body);
        await load();
        if (created.key) showSecretOnce('The new user\'s first key', created.key); else closeDialog();
      }, 'Create user') }, 'New user')) : null,
    list);
  await load();
}

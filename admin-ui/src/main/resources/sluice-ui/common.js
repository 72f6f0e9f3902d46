// What every page uses: the API with the session's CSRF token, elements built from values
// (never HTML), the error banner, dialogs and formatting.

export const state = { session: null, onLoggedOut: () => {} };
export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function showError(message) {
  const box = $('error');
  box.textContent = message || '';
  box.hidden = !message;
}

export async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && state.session) headers['X-CSRF-Token'] = state.session.csrf_token;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Error('The gateway cannot be reached (' + e.message + '). Is it running?');
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/ui/login' && state.session) { state.session = null; state.onLoggedOut(); }
    const detail = data && data.error && data.error.message ? data.error.message : 'The gateway answered ' + response.status + '.';
    throw new Error(detail);
  }
  return data;
}

/** Runs an action, showing its failure in the banner; returns whether it succeeded. */
export async function attempt(action) {
  try { showError(''); await action(); return true; } catch (e) { showError(e.message); return false; }
}

export const money = (value) => value === null || value === undefined || value === '' ? '—' : '$' + Number(value).toFixed(4);
export const when = (value) => value ? new Date(value).toLocaleString() : '—';
export const num = (value) => value === null || value === undefined ? '—' : Number(value).toLocaleString();
export const isAdmin = () => state.session && state.session.role === 'proxy_admin';
export const canReadAll = () => state.session && (state.session.role === 'proxy_admin' || state.session.role === 'proxy_admin_viewer');
export const badge = (ok, text) => el('span', { class: ok ? 'badge' : 'badge bad' }, text);
export const table = (id, headers, rows, empty) => el('table', { id },
  el('thead', {}, el('tr', {}, headers.map((h) => el('th', { class: h.startsWith('#') ? 'num' : null }, h.replace(/^#/, ''))))),
  el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headers.length, class: 'muted' }, empty))));
export const button = (label, onclick, cls = 'link', attrs = {}) =>
  el('button', { class: cls, 'data-action': label.toLowerCase().replace(/\s+/g, '-'), onclick, ...attrs }, label);

export function isoDay(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

export function showDialog(...content) {
  const dialog = $('dialog');
  $('dialog-body').replaceChildren(...content);
  if (!dialog.open) dialog.showModal();
  return dialog;
}

export function closeDialog() {
  $('dialog').close();
}

/**
 * A form in a dialog. Fields: {name, label, type ('text', 'number', 'password', 'json', 'list',
 * 'select'), value, options}. Empty fields are left out of the body; 'list' splits on commas.
 */
export function formDialog(title, fields, submit, submitLabel = 'Save') {
  const inputs = fields.map((field) => {
    const id = 'form-' + field.name.replace(/\./g, '-');
    let input;
    if (field.type === 'select') {
      input = el('select', { id, name: field.name }, field.options.map(([value, label]) =>
        el('option', { value, selected: value === field.value }, label)));
    } else {
      const shown = field.value === undefined || field.value === null ? ''
        : field.type === 'json' ? JSON.stringify(field.value) : field.type === 'list' ? field.value.join(', ') : field.value;
      input = el('input', { id, name: field.name, type: field.type === 'number' || field.type === 'password' ? field.type : 'text',
        value: shown, step: field.type === 'number' ? 'any' : null, autocomplete: field.type === 'password' ? 'new-password' : 'off' });
    }
    return { field, input };
  });
  const read = () => {
    const body = {};
    for (const { field, input } of inputs) {
      const value = input.value.trim();
      if (!value && !field.keepEmpty) continue;
      let parsed = value;
      if (field.type === 'number') parsed = Number(value);
      else if (field.type === 'list') parsed = value.split(',').map((item) => item.trim()).filter(Boolean);
      else if (field.type === 'json') {
        try { parsed = JSON.parse(value); } catch (e) { throw new Error(field.label + ' must be JSON, e.g. {"team": "search"}.'); }
      }
      const path = field.name.split('.');
      let target = body;
      for (const part of path.slice(0, -1)) target = target[part] = target[part] || {};
      target[path[path.length - 1]] = parsed;
    }
    return body;
  };
  const problem = el('div', { class: 'problem', id: 'form-problem', hidden: true });
  showDialog(el('h2', {}, title), problem,
    el('div', { class: 'form in-dialog' }, inputs.map(({ field, input }) => el('label', {}, field.label, input))),
    el('div', { class: 'toolbar' },
      el('button', { id: 'form-submit', class: 'primary', onclick: async () => {
        try { await submit(read()); } catch (e) { problem.textContent = e.message; problem.hidden = false; }
      } }, submitLabel),
      el('button', { id: 'form-cancel', onclick: closeDialog }, 'Cancel')));
}

/** Asks before a destructive action; the action's failure shows in the banner. */
export async function confirmed(question, action) {
  if (!window.confirm(question)) return false;
  return attempt(action);
}

export function showSecretOnce(title, secret) {
  showDialog(el('h2', {}, title),
    el('p', {}, 'Copy it now: it is shown only once. Sluice keeps only its hash.'),
    el('div', { class: 'secret', id: 'new-key' }, secret),
    el('div', { class: 'toolbar' },
      el('button', { class: 'primary', onclick: async (e) => {
        try { await navigator.clipboard.writeText(secret); e.target.textContent = 'Copied'; } catch (err) { e.target.textContent = 'Select and copy it by hand'; }
      } }, 'Copy'),
      el('button', { id: 'close-dialog', onclick: closeDialog }, 'Done')));
}

/** A bar chart of one value per day, as SVG built from values. */
export function barChart(title, points, format) {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 900; const height = 110; const max = Math.max(...points.map((p) => p.value), 1e-9);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (height + 20)); svg.setAttribute('width', '100%');
  const bar = points.length ? width / points.length : width;
  points.forEach((point, i) => {
    const h = Math.round((point.value / max) * height);
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', i * bar + 1); rect.setAttribute('y', height - h);
    rect.setAttribute('width', Math.max(1, bar - 2)); rect.setAttribute('height', Math.max(h, point.value > 0 ? 1 : 0));
    const tip = document.createElementNS(ns, 'title'); tip.textContent = point.day + ': ' + format(point.value);
    rect.append(tip); svg.append(rect);
    if (i % Math.max(1, Math.ceil(points.length / 10)) === 0) {
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', i * bar + 1); label.setAttribute('y', height + 14); label.textContent = point.day.slice(5);
      svg.append(label);
    }
  });
  return el('div', { class: 'chart' }, el('div', { class: 'muted' }, title + ' · peak ' + format(max === 1e-9 ? 0 : max)), svg);
}

/** Every day from..to (inclusive, UTC) with the value the map has for it, else 0. */
export function everyDay(from, to, values) {
  const days = [];
  for (let day = new Date(from + 'T00:00:00Z'); day <= new Date(to + 'T00:00:00Z'); day = new Date(day.getTime() + 86400000)) {
    const key = day.toISOString().slice(0, 10);
    days.push({ day: key, value: values.get(key) || 0 });
  }
  return days;
}

// Shared by every dashboard page: DOM building (text only: nothing from the data is parsed as
// HTML), number formats, the API, the live event stream, the API token and the silence form.

/** An element with attributes/properties and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** HTML-escaped text, for the one place that needs markup strings: chart tooltips. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, ch => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[ch]);
}

const COUNT = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
export const fmt = {
  count: n => (n === null || n === undefined || !Number.isFinite(n)) ? 'n/a' : COUNT.format(n),
  percent: share => (share === null || share === undefined) ? 'n/a' : (100 * share).toFixed(1) + '%',
  change: f => (f === null || f === undefined) ? 'n/a' : (f >= 0 ? '+' : '') + (100 * f).toFixed(1) + '%',
  decimal: v => (v === null || v === undefined) ? 'n/a' : Number(v).toFixed(1),
  instant: s => s ? s.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : 'never',
};

/** A link to a package's page. */
export function packageLink(name) {
  return el('a', {href: 'pkg.html?name=' + encodeURIComponent(name), class: 'pkg'}, name);
}

/** Only http(s) links from the data become hrefs (no javascript: URLs). */
export function safeHref(url) {
  try {
    const u = new URL(url, location.href);
    return (u.protocol === 'https:' || u.protocol === 'http:') ? u.href : null;
  } catch (e) {
    return null;
  }
}

/** The API's error, as it says it: its JSON {"error"} message, else the status line. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the API; resolves to the JSON body, rejects with an ApiError naming what went wrong. */
export async function api(path, {method = 'GET', body, token} = {}) {
  const headers = {'Accept': 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['Authorization'] = 'Bearer ' + token;
  let res;
  try {
    res = await fetch('/api/v1' + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'the server does not answer: ' + e.message);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    // not JSON: said below
  }
  if (!res.ok) {
    throw new ApiError(res.status, (json && typeof json.error === 'string') ? json.error : res.status + ' ' + res.statusText);
  }
  return json;
}

/** Shows a message in the page's status line (role=status); kind: 'error' or 'info'. */
export function say(message, kind = 'info') {
  const box = document.getElementById('message');
  if (!box) return;
  box.replaceChildren(message ? el('span', {class: kind}, message) : '');
}

/** The header: title, the pages, and the live indicator. */
export function header(current) {
  const pages = [['index.html', 'Overview'], ['alerts.html', 'Alerts'], ['silences.html', 'Silences']];
  const nav = el('nav', {}, pages.map(([href, label]) =>
    el('a', {href, class: href === current ? 'current' : null}, label)));
  const live = el('span', {id: 'live', class: 'live off', title: 'live updates from /api/v1/events'}, 'connecting');
  document.body.prepend(el('header', {}, el('a', {href: 'index.html', class: 'brand'}, 'pypiwatch'), nav, live));
}

/**
 * Subscribes to the server's event stream; calls handlers.alert(alert), handlers.cycle(data),
 * handlers.poll(data). EventSource reconnects by itself; the indicator shows the state.
 */
export function live(handlers) {
  const source = new EventSource('/api/v1/events');
  const indicator = () => document.getElementById('live');
  source.onopen = () => {
    const i = indicator();
    if (i) { i.textContent = 'live'; i.className = 'live on'; }
  };
  source.onerror = () => {
    const i = indicator();
    if (i) { i.textContent = 'reconnecting'; i.className = 'live off'; }
  };
  for (const type of ['alert', 'cycle', 'poll']) {
    source.addEventListener(type, ev => {
      if (!handlers[type]) return;
      let data;
      try {
        data = JSON.parse(ev.data);
      } catch (e) {
        return; // a frame we cannot read is no reason to stop listening
      }
      handlers[type](data);
    });
  }
  return source;
}

/** Calls fn at most once per `ms`, with the last arguments (bursts of events become one refresh). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** One table cell per value; numbers right-aligned. */
export function cells(...values) {
  return values.map(v => (v instanceof Node) ? el('td', {}, v)
      : el('td', {class: typeof v === 'number' ? 'num' : null}, v));
}

/** An alert's evidence as text: observed vs expected and score. */
export function evidence(a) {
  const shift = a.rule === 'python-shift' || a.rule === 'os-shift';
  const unit = v => shift ? fmt.decimal(v) + '%' : fmt.count(v);
  return 'observed ' + unit(a.observed) + ', expected ' + unit(a.expected) + ', score ' + fmt.decimal(a.score);
}

/** Why the day is probably unusual (the alert's context), as short lines; none for a resolution. */
export function context(a) {
  const c = a.context;
  if (!c) return [];
  const lines = [];
  if (c.unusual) lines.push(c.unusual.charAt(0).toUpperCase() + c.unusual.slice(1));
  if (c.weekday) lines.push(c.weekday + (c.holiday ? ', in the holiday period \u2018' + c.holiday + '\u2019' : ''));
  if (c.ecosystem_change !== null && c.ecosystem_change !== undefined) {
    lines.push('Ecosystem: ' + fmt.change(c.ecosystem_change) + ' against its usual');
  }
  if (c.mirror_share !== null && c.mirror_share !== undefined) lines.push('Mirrors: ' + fmt.percent(c.mirror_share));
  if (c.release) lines.push('Release: ' + c.release.version + ', uploaded ' + fmt.instant(c.release.uploaded));
  return lines;
}

/** A row of an alerts table: day, state, severity, rule, package, series/category, summary, evidence. */
export function alertRow(a, {withPackage = true, actions = null} = {}) {
  const link = safeHref(a.link);
  const tr = el('tr', {class: 'alert ' + a.state + ' ' + a.severity, dataset: {fingerprint: a.fingerprint, date: a.date}},
      cells(a.date, el('span', {class: 'state ' + a.state}, a.state), el('span', {class: 'sev ' + a.severity}, a.severity),
          a.rule),
      withPackage ? cells(packageLink(a.package)) : [],
      cells(a.series + '/' + a.category,
          el('span', {}, a.summary, link ? [' ', el('a', {href: link, rel: 'noopener noreferrer', class: 'ext',
            title: 'on pypistats.org'}, 'stats')] : []),
          el('span', {class: 'evidence'}, evidence(a),
              context(a).flatMap(line => [el('br'), el('small', {class: 'why'}, line)]))),
      actions ? el('td', {class: 'actions'}, actions) : []);
  return tr;
}

// ---------------------------------------------------------------- the API token and silences

const TOKEN_KEY = 'pypiwatch.api-token';

/** The API token of this tab's session, asked for once (a dialog) when none is kept. */
export function token() {
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) return Promise.resolve(kept);
  return new Promise((resolve, reject) => {
    const input = el('input', {type: 'password', id: 'token-input', name: 'token', autocomplete: 'off', required: true});
    const dialog = el('dialog', {id: 'token-dialog'},
        el('form', {method: 'dialog'},
            el('p', {}, 'Changing silences needs the API token (http.api-token). It is kept for this tab only.'),
            el('label', {}, 'API token ', input),
            el('menu', {}, el('button', {value: 'cancel', type: 'submit', formnovalidate: true}, 'Cancel'),
                el('button', {value: 'ok', id: 'token-ok', type: 'submit'}, 'OK'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (dialog.returnValue === 'ok' && input.value) {
        sessionStorage.setItem(TOKEN_KEY, input.value);
        resolve(input.value);
      } else {
        reject(new ApiError(0, 'no API token given'));
      }
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Calls a mutating silences route with the token; a 401 forgets the token so the next try asks again. */
export async function withToken(path, options) {
  const t = await token();
  try {
    return await api(path, {...options, token: t});
  } catch (e) {
    if (e.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    throw e;
  }
}

const list = s => s.split(',').map(x => x.trim()).filter(x => x.length > 0);

/** A date-time-local input's value (local time) as an ISO instant, or null when empty. */
function instant(value) {
  return value ? new Date(value).toISOString() : null;
}

/** A date-time-local value `days` from now. */
function localIn(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * The form that creates a silence (POST /api/v1/silences), prefilled from `initial`
 * ({packages, rules, severities, states, untilResolved}); calls onCreated(silence) on success and
 * shows the API's error message on failure.
 */
export function silenceForm(initial = {}, onCreated = () => {}) {
  const field = (label, name, value, attrs = {}) => el('label', {}, label,
      el('input', {name, value: value ?? '', ...attrs}));
  const result = el('p', {class: 'form-result', role: 'status'});
  const form = el('form', {class: 'silence-form', id: 'silence-form'},
      field('Packages (comma-separated, * wildcards)', 'packages', (initial.packages || []).join(', ')),
      field('Rules', 'rules', (initial.rules || []).join(', '), {placeholder: 'spike, drop, python-shift, os-shift, milestone'}),
      field('Severities', 'severities', (initial.severities || []).join(', '), {placeholder: 'info, warning, critical'}),
      field('States', 'states', (initial.states || []).join(', '), {placeholder: 'firing, resolved'}),
      field('Starts at (empty: now)', 'starts-at', '', {type: 'datetime-local'}),
      field('Ends at', 'ends-at', initial.untilResolved ? '' : localIn(7), {type: 'datetime-local'}),
      field('Until this alert resolves (fingerprint)', 'until-resolved', initial.untilResolved || ''),
      field('Comment', 'comment', initial.comment || '', {required: true}),
      field('Created by', 'created-by', localStorage.getItem('pypiwatch.created-by') || '', {required: true}),
      el('button', {type: 'submit', id: 'silence-submit'}, 'Create silence'),
      result);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const v = name => form.elements[name].value.trim();
    const body = {
      match: {packages: list(v('packages')), rules: list(v('rules')), severities: list(v('severities')),
        states: list(v('states'))},
      'ends-at': instant(v('ends-at')),
      comment: v('comment'),
      'created-by': v('created-by'),
    };
    if (v('starts-at')) body['starts-at'] = instant(v('starts-at'));
    if (v('until-resolved')) body['until-resolved'] = v('until-resolved');
    if (body['ends-at'] === null) delete body['ends-at'];
    localStorage.setItem('pypiwatch.created-by', v('created-by'));
    result.replaceChildren('creating...');
    result.className = 'form-result';
    try {
      const created = await withToken('/silences', {method: 'POST', body});
      result.replaceChildren('Created silence ', el('code', {class: 'silence-id'}, created.id), ' (' + created.status + ').');
      onCreated(created);
    } catch (e) {
      result.className = 'form-result error';
      result.replaceChildren('Not created: ' + e.message);
    }
  });
  return form;
}

// Alert transitions, firing and resolved, newest first, filtered by state, rule, package and
// day (the API's filters, kept in the address); new ones arrive live at the top.
import {el, api, say, header, live, alertRow} from './common.js';

header('alerts.html');
const params = new URLSearchParams(location.search);
const main = document.querySelector('main');
const input = (name, attrs = {}) => el('input', {name, id: 'filter-' + name, value: params.get(name) || '', ...attrs});
const stateSelect = el('select', {name: 'state', id: 'filter-state'},
    [['', 'any'], ['firing', 'firing'], ['resolved', 'resolved']].map(([v, label]) =>
        el('option', {value: v, selected: (params.get('state') || '') === v}, label)));
const form = el('form', {id: 'alert-filters', class: 'filters'},
    el('label', {}, 'State ', stateSelect),
    el('label', {}, 'Rule ', input('rule', {placeholder: 'spike, drop, ...', size: 12})),
    el('label', {}, 'Package ', input('package', {size: 16})),
    el('label', {}, 'Since ', input('since', {type: 'date'})),
    el('button', {type: 'submit'}, 'Filter'));
const tbody = el('tbody');
const count = el('p', {id: 'count', class: 'muted'});
main.append(el('h1', {}, 'Alerts'), form, count,
    el('table', {id: 'alerts', class: 'data'},
        el('thead', {}, el('tr', {}, ['Day', 'State', 'Severity', 'Rule', 'Package', 'Series', 'Summary', 'Evidence']
            .map(h => el('th', {}, h)))),
        tbody));

form.addEventListener('submit', ev => {
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const field of ['state', 'rule', 'package', 'since']) {
    const v = form.elements[field].value.trim();
    if (v) q.set(field, v);
  }
  history.replaceState(null, '', q.toString() ? '?' + q : location.pathname);
  load(q);
});

let shown = 0;
function setCount() {
  count.textContent = shown + (shown === 1 ? ' transition' : ' transitions');
}

let loads = 0;
async function load(q) {
  try {
    const data = await api('/alerts' + (q.toString() ? '?' + q : ''));
    tbody.replaceChildren(...data.alerts.map(a => alertRow(a)));
    shown = data.alerts.length;
    setCount();
    say('');
  } catch (e) {
    say('Could not load the alerts: ' + e.message, 'error');
  }
  document.body.dataset.loads = String(++loads);
}

/** Whether a live alert passes the filters in the address (as the API would filter it). */
function matches(a) {
  const q = new URLSearchParams(location.search);
  const norm = s => s.toLowerCase().replace(/[-_.]+/g, '-');
  return (!q.get('state') || a.state === q.get('state'))
      && (!q.get('rule') || a.rule === q.get('rule'))
      && (!q.get('package') || a.package === norm(q.get('package')))
      && (!q.get('since') || a.date >= q.get('since'));
}

live({
  alert: a => {
    if (!matches(a)) return;
    const tr = alertRow(a);
    tr.classList.add('new');
    tbody.prepend(tr);
    shown++;
    setCount();
  },
});
load(params);

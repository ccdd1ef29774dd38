// The overview: the watchlist as a table (sparkline, last day, 7-day change, Python 3 share,
// freshness, firing alerts), sortable by any column and filtered by name; refreshed live.
import {el, fmt, api, say, header, live, debounce, packageLink, cells} from './common.js';
import {sparkline} from './charts.js';

const FRESHNESS_ORDER = {fresh: 0, behind: 1, stale: 2, invalid: 3};
const COLUMNS = [
  {key: 'package', label: 'Package', value: p => p.package},
  {key: 'sparkline', label: 'Last 30 days', sortable: false},
  {key: 'last_day_downloads', label: 'Last day', value: p => p.last_day_downloads},
  {key: 'seven_day_change', label: '7-day change', value: p => p.seven_day_change},
  {key: 'python3_share', label: 'Python 3.x', value: p => p.python3_share},
  {key: 'freshness', label: 'Freshness', value: p => FRESHNESS_ORDER[p.freshness]},
  {key: 'firing_alerts', label: 'Firing alerts', value: p => p.firing_alerts},
];

const state = {packages: [], sort: {key: 'package', dir: 1}, filter: '', rows: new Map(), loads: 0};

header('index.html');
const main = document.querySelector('main');
const filter = el('input', {type: 'search', id: 'filter', placeholder: 'filter by name', 'aria-label': 'filter by name',
  oninput: ev => { state.filter = ev.target.value.trim().toLowerCase(); arrange(); }});
const summary = el('p', {id: 'summary', class: 'muted'});
const headRow = el('tr', {}, COLUMNS.map(c => el('th', {dataset: {key: c.key}},
    c.sortable === false ? c.label : el('button', {type: 'button', class: 'sort', onclick: () => sortBy(c.key)}, c.label))));
const tbody = el('tbody');
const table = el('table', {id: 'packages', class: 'data'}, el('thead', {}, headRow), tbody);
const liveBox = el('ul', {id: 'live-alerts', class: 'live-alerts'});
main.append(el('h1', {}, 'Watchlist'), el('div', {class: 'toolbar'}, filter, summary), table,
    el('h2', {}, 'New alerts (live)'), liveBox);

function sortBy(key) {
  state.sort = state.sort.key === key ? {key, dir: -state.sort.dir} : {key, dir: key === 'package' ? 1 : -1};
  arrange();
}

/** One row per package, kept across refreshes (its sparkline chart with it). */
function row(p) {
  let r = state.rows.get(p.package);
  if (!r) {
    const spark = el('div', {class: 'spark', dataset: {package: p.package}});
    r = {tr: el('tr', {dataset: {package: p.package}}), spark};
    state.rows.set(p.package, r);
  }
  const change = p.seven_day_change;
  r.tr.replaceChildren(
      ...cells(packageLink(p.package)),
      el('td', {class: 'spark-cell'}, r.spark),
      el('td', {class: 'num', title: p.newest_day ? 'on ' + p.newest_day : 'no data yet'}, fmt.count(p.last_day_downloads)),
      el('td', {class: 'num ' + (change === null ? '' : change >= 0 ? 'up' : 'down')}, fmt.change(change)),
      el('td', {class: 'num'}, fmt.percent(p.python3_share)),
      el('td', {}, el('span', {class: 'fresh ' + p.freshness, title: 'last poll: ' + fmt.instant(p.last_poll)},
          p.freshness)),
      el('td', {class: 'num'}, p.firing_alerts > 0
          ? el('a', {class: 'firing', href: 'alerts.html?state=firing&package=' + encodeURIComponent(p.package)},
              String(p.firing_alerts))
          : '0'));
  return r;
}

/** Sorts and filters the rows in place; charts are drawn once their row is in the page. */
function arrange() {
  const col = COLUMNS.find(c => c.key === state.sort.key);
  const sorted = state.packages.slice().sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (va === vb) return a.package < b.package ? -1 : 1;
    if (va === null || va === undefined) return 1; // no value: last either way
    if (vb === null || vb === undefined) return -1;
    return (va < vb ? -1 : 1) * state.sort.dir;
  });
  const shown = sorted.filter(p => p.package.includes(state.filter));
  tbody.replaceChildren(...shown.map(p => state.rows.get(p.package).tr));
  for (const th of headRow.children) {
    th.setAttribute('aria-sort', th.dataset.key === state.sort.key ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  for (const p of shown) {
    sparkline(state.rows.get(p.package).spark, p.sparkline, p.sparkline_from);
  }
  const firing = state.packages.reduce((n, p) => n + p.firing_alerts, 0);
  summary.textContent = shown.length + ' of ' + state.packages.length + ' packages; ' + firing + ' firing alerts';
}

async function load() {
  try {
    const data = await api('/packages');
    state.packages = data.packages;
    const names = new Set(data.packages.map(p => p.package));
    for (const name of [...state.rows.keys()]) {
      if (!names.has(name)) state.rows.delete(name); // left the watchlist
    }
    data.packages.forEach(row);
    arrange();
    say(data.packages.length ? '' : 'The watchlist is empty.');
    document.body.dataset.expectedNewestDay = data.expected_newest_day;
  } catch (e) {
    say('Could not load the watchlist: ' + e.message, 'error');
  }
  document.body.dataset.loads = String(++state.loads); // for tests: a load has finished
}

const refresh = debounce(load, 300);
live({
  alert: a => {
    liveBox.prepend(el('li', {class: 'alert ' + a.state + ' ' + a.severity, dataset: {fingerprint: a.fingerprint}},
        a.date + ' ' + a.state.toUpperCase() + ' ' + a.severity + ' ' + a.rule + ' ', packageLink(a.package), ': ' + a.summary));
    refresh();
  },
  cycle: refresh,
});
load();

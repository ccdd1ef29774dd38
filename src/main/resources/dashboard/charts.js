// The charts, drawn by Apache ECharts (the WebJar's dist/echarts.min.js, loaded as a classic
// script before the modules: the global `echarts`). Why ECharts and not uPlot (also a WebJar):
// one library covers all charts here, and it has stacked areas, markPoints for alert days and
// rich tooltips built in; uPlot would need plugins written by hand for those. Tooltip formatters
// return HTML, so every value from the data goes through esc(). Animation is off: charts are
// data, and tests and screenshots see the final state at once.
import {esc, fmt} from './common.js';

const SEVERITY_COLOR = {critical: '#c62828', warning: '#ef6c00', info: '#1565c0'};
const TEXT = {color: '#333', fontFamily: 'system-ui, sans-serif'};

/** The chart of `node`, created on first use (and resized with the window). */
function chart(node) {
  let c = echarts.getInstanceByDom(node);
  if (!c) {
    c = echarts.init(node, null, {renderer: 'canvas'});
    window.addEventListener('resize', () => c.resize());
  }
  return c;
}

/** Every date from `from` to `to` (YYYY-MM-DD, UTC) inclusive. */
export function daysBetween(from, to) {
  const out = [];
  for (let d = new Date(from + 'T00:00:00Z'); d <= new Date(to + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** A 30-day sparkline of `values` (null = no data) starting at `from`. */
export function sparkline(node, values, from) {
  const dates = from ? daysBetween(from, addDays(from, values.length - 1)) : values.map((v, i) => String(i));
  chart(node).setOption({
    animation: false,
    grid: {left: 1, right: 1, top: 2, bottom: 2},
    xAxis: {type: 'category', data: dates, show: false, boundaryGap: false},
    yAxis: {type: 'value', show: false, scale: true},
    tooltip: {trigger: 'axis', confine: true, axisPointer: {type: 'line'},
      formatter: ps => esc(ps[0].axisValue) + ': ' + esc(fmt.count(ps[0].value))},
    series: [{type: 'line', data: values, showSymbol: false, connectNulls: false, lineStyle: {width: 1.5},
      areaStyle: {opacity: 0.15}, color: '#3f51b5'}],
  }, true);
}

function addDays(date, n) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The sorted union of the dates of every category's points. */
function allDates(byCategory) {
  const s = new Set();
  for (const points of Object.values(byCategory)) points.forEach(p => s.add(p.date));
  return [...s].sort();
}

/**
 * Daily downloads with and without mirrors; each day with alerts gets a pin on the line without
 * mirrors, and hovering that day shows its alerts.
 */
export function downloadsChart(node, overall, alerts) {
  const dates = allDates(overall);
  const values = cat => {
    const m = new Map((overall[cat] || []).map(p => [p.date, p.downloads]));
    return dates.map(d => m.has(d) ? m.get(d) : null);
  };
  const without = values('without_mirrors');
  const byDay = new Map();
  for (const a of alerts) {
    if (!byDay.has(a.date)) byDay.set(a.date, []);
    byDay.get(a.date).push(a);
  }
  const worst = list => ['critical', 'warning', 'info'].find(s => list.some(a => a.severity === s)) || 'info';
  const pins = [...byDay.entries()].sort().map(([date, list]) => {
    const i = dates.indexOf(date);
    return {
      name: list.map(a => a.rule).join(', '),
      coord: [date, i >= 0 && without[i] !== null ? without[i] : 0],
      value: list.length > 1 ? String(list.length) : '!',
      itemStyle: {color: SEVERITY_COLOR[worst(list)]},
      alerts: list.map(a => ({date: a.date, state: a.state, severity: a.severity, rule: a.rule, summary: a.summary})),
    };
  });
  const alertLines = list => list.map(a => '<div class="tip-alert ' + esc(a.severity) + '">' + esc(a.state) + ' '
      + esc(a.severity) + ' ' + esc(a.rule) + ': ' + esc(a.summary) + '</div>').join('');
  chart(node).setOption({
    animation: false,
    textStyle: TEXT,
    legend: {top: 0},
    grid: {left: 70, right: 20, top: 50, bottom: 60},
    xAxis: {type: 'category', data: dates, boundaryGap: false},
    yAxis: {type: 'value', name: 'downloads a day', axisLabel: {formatter: v => fmt.count(v)}},
    dataZoom: [{type: 'inside'}, {type: 'slider', height: 20, bottom: 10}],
    tooltip: {
      trigger: 'axis', confine: true,
      formatter: params => {
        if (!Array.isArray(params)) { // a pin
          return '<b>' + esc(params.data.coord[0]) + '</b>' + alertLines(params.data.alerts || []);
        }
        const day = params[0].axisValue;
        return '<b>' + esc(day) + '</b><br>'
            + params.map(p => p.marker + esc(p.seriesName) + ': ' + esc(fmt.count(p.value))).join('<br>')
            + alertLines(byDay.get(day) || []);
      },
    },
    series: [
      {name: 'with mirrors', type: 'line', data: values('with_mirrors'), showSymbol: false, color: '#90a4ae'},
      {name: 'without mirrors', type: 'line', data: without, showSymbol: false, color: '#3f51b5',
        markPoint: {symbol: 'pin', symbolSize: 40, data: pins, label: {color: '#fff'}}},
    ],
  }, true);
}

/** Categories in a sensible order: versions numerically, 'unknown' and non-versions last. */
export function orderCategories(cats) {
  const key = c => {
    const m = /^(\d+)\.(\d+)/.exec(c) || /^(\d+)/.exec(c);
    return m ? [0, Number(m[1]), Number(m[2] || 0), c] : [1, 0, 0, c];
  };
  return [...cats].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return ka[3] < kb[3] ? -1 : ka[3] > kb[3] ? 1 : 0;
  });
}

/**
 * Each category's share of the day's downloads (percent of the sum over the categories; a day
 * without a category's row is 0 there, as upstream sends no row for 0), stacked to 100 %.
 * Returns {dates, shares: {category: [percent|null]}} so that a page can list the newest day.
 */
export function shares(byCategory) {
  const dates = allDates(byCategory);
  const cats = orderCategories(Object.keys(byCategory));
  const counts = {};
  for (const c of cats) {
    const m = new Map(byCategory[c].map(p => [p.date, p.downloads]));
    counts[c] = dates.map(d => m.get(d) || 0);
  }
  const totals = dates.map((d, i) => cats.reduce((s, c) => s + counts[c][i], 0));
  const out = {};
  for (const c of cats) out[c] = counts[c].map((n, i) => totals[i] > 0 ? 100 * n / totals[i] : null);
  return {dates, categories: cats, shares: out};
}

/** A stacked area chart of shares (from shares()). */
export function sharesChart(node, s, yName) {
  chart(node).setOption({
    animation: false,
    textStyle: TEXT,
    legend: {top: 0, type: 'scroll'},
    grid: {left: 60, right: 20, top: 50, bottom: 60},
    xAxis: {type: 'category', data: s.dates, boundaryGap: false},
    yAxis: {type: 'value', name: yName, max: 100, axisLabel: {formatter: '{value}%'}},
    dataZoom: [{type: 'inside'}, {type: 'slider', height: 20, bottom: 10}],
    tooltip: {
      trigger: 'axis', confine: true,
      formatter: params => '<b>' + esc(params[0].axisValue) + '</b><br>' + params.slice().reverse()
          .map(p => p.marker + esc(p.seriesName) + ': ' + (p.value === null || p.value === undefined ? 'n/a'
              : esc(p.value.toFixed(1)) + '%')).join('<br>'),
    },
    series: s.categories.map(c => ({
      name: c, type: 'line', stack: 'share', areaStyle: {}, showSymbol: false, lineStyle: {width: 0.5},
      emphasis: {focus: 'series'}, data: s.shares[c],
    })),
  }, true);
}

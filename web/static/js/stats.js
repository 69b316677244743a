// The statistics panel: each ferry crossing with the vessels in it now and
// the persons they carry (GET /api/v1/zones/{id}/vessels), the vessels per
// river, the alerts opened today (CST) and each AIS source with its rate
// (GET /api/v1/sources, the difference of two readings).

import { el, clear } from './dom.js';
import { clip, isNum } from './format.js';
import { getJSON } from './api.js';
import { L } from './i18n.js';
import { label } from './fleet.js';

const EVERY = 10000; // ms
const MAX_FERRIES = 40;

function persons(v) {
  const p = v && v.persons;
  if (!p) return null;
  const n = [p.crew, p.passengers, p.personnel].filter(isNum);
  return n.length ? n.reduce((a, b) => a + b, 0) : null;
}

// cstMidnight is today's 00:00 in China Standard Time.
export function cstMidnight(now) {
  const day = 24 * 3600 * 1000;
  const off = 8 * 3600 * 1000;
  return new Date(Math.floor((now + off) / day) * day - off);
}

export class StatsPanel {
  // panel: the aside; fleet; zones (ZoneLayer); rivers (Rivers).
  constructor(panel, fleet, zones, rivers) {
    this.panel = panel;
    this.fleet = fleet;
    this.zones = zones;
    this.rivers = rivers;
    this.prevSources = null;
    this.timer = 0;
    this.body = el('div', { class: 'panel-body' });
    panel.append(el('div', { class: 'panel-head' }, el('h2', null, L('渡口与统计 Ferries and counts')),
      el('button', { class: 'close', type: 'button', title: L('关闭 Close'), 'aria-label': L('关闭 Close'), onclick: () => this.close() }, '×')), this.body);
  }

  get isOpen() { return !this.panel.hidden; }

  open() {
    this.panel.hidden = false;
    this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.refresh(), EVERY);
  }

  close() {
    this.panel.hidden = true;
    clearInterval(this.timer);
  }

  // perRiver counts the vessels with a position on each river and lake.
  perRiver() {
    const counts = new Map();
    for (const v of this.fleet.vessels()) {
      if (!isNum(v.lat) || !isNum(v.lon)) continue;
      const k = this.rivers.of(v.lat, v.lon) || '';
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    return counts;
  }

  async refresh() {
    const ferries = this.zones.list().filter(([, p]) => p.kind === 'ferry_crossing').slice(0, MAX_FERRIES);
    const since = cstMidnight(Date.now()).toISOString();
    const [occ, today, sources] = await Promise.all([
      Promise.all(ferries.map(([id]) => getJSON(`/api/v1/zones/${encodeURIComponent(id)}/vessels`).catch(() => null))),
      getJSON(`/api/v1/alerts?state=resolved&since=${encodeURIComponent(since)}&limit=1000`).catch(() => null),
      getJSON('/api/v1/sources').catch(() => null),
    ]);
    const open = await getJSON(`/api/v1/alerts?since=${encodeURIComponent(since)}&limit=1000`).catch(() => null);
    if (this.panel.hidden) return;
    clear(this.body);

    const fl = el('table', { class: 'stats-ferries' },
      el('tr', null, el('th', null, L('渡口 Crossing')), el('th', null, L('船舶 Vessels')), el('th', null, L('船上人数 Persons'))));
    ferries.forEach(([id], i) => {
      const o = occ[i];
      const vs = o && Array.isArray(o.vessels) ? o.vessels : [];
      const total = vs.map(persons).filter((n) => n !== null);
      fl.append(el('tr', { dataset: { zone: id } },
        el('td', null, this.zones.name(id) || clip(id, 64)),
        el('td', { class: 'num' }, o && isNum(o.count) ? String(o.count) : '—',
          vs.length ? el('div', { class: 'muted' }, vs.slice(0, 5).map(label).join('、')) : null),
        el('td', { class: 'num' }, total.length ? String(total.reduce((a, b) => a + b, 0)) : '—')));
    });
    if (!ferries.length) fl.append(el('tr', null, el('td', { colspan: '3', class: 'na' }, L('无渡口 No crossings'))));
    this.body.append(el('h3', null, L('渡口实时 Ferry crossings now')), fl);

    const rv = el('table', { class: 'stats-rivers' });
    const counts = [...this.perRiver()].sort((a, b) => b[1] - a[1]);
    for (const [k, n] of counts) {
      rv.append(el('tr', { dataset: { river: k } }, el('td', null, k ? this.rivers.name(k) || k : L('其他水域 Elsewhere')), el('td', { class: 'num' }, String(n))));
    }
    this.body.append(el('h3', null, L('各河流船舶 Vessels per river')), rv);

    const n = (b) => (b && isNum(b.count) ? b.count : 0);
    const ids = new Set();
    for (const b of [open, today]) for (const a of (b && Array.isArray(b.alerts) ? b.alerts : [])) ids.add(a.id);
    this.body.append(el('h3', null, L('今日告警 Alerts today')),
      el('p', { class: 'stats-alerts-today', dataset: { count: String(ids.size) } }, open || today ? `${ids.size}` : '—',
        open ? el('span', { class: 'muted' }, ` (${L('未解除 unresolved')} ${n(open)})`) : null));

    const st = el('table', { class: 'stats-sources' },
      el('tr', null, el('th', null, L('数据源 Source')), el('th', null, L('消息 Messages')), el('th', null, L('速率 Rate'))));
    const now = Date.now();
    const prev = this.prevSources;
    for (const s of (sources && Array.isArray(sources.sources) ? sources.sources.slice(0, 50) : [])) {
      const name = clip(s.name, 48);
      const before = prev ? prev.map.get(name) : undefined;
      const rate = before !== undefined && isNum(s.messages) ? ((s.messages - before) / ((now - prev.at) / 1000)) : null;
      st.append(el('tr', { dataset: { source: name } }, el('td', null, name, el('span', { class: 'muted' }, ` ${clip(s.kind, 16)}`)),
        el('td', { class: 'num' }, isNum(s.messages) ? String(s.messages) : '—'),
        el('td', { class: 'num' }, rate !== null && rate >= 0 ? `${rate.toFixed(1)} /s` : '—')));
    }
    if (sources && Array.isArray(sources.sources)) {
      this.prevSources = { at: now, map: new Map(sources.sources.map((s) => [clip(s.name, 48), s.messages])) };
    }
    this.body.append(el('h3', null, L('数据源 Sources')), st);
    this.panel.dataset.refreshed = String(now);
  }
}

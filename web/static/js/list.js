// VesselList is the searchable side list, sorted by name. Only the rows in
// view are in the DOM (fixed row height), so thousands of vessels scroll
// smoothly.

import { el, setText } from './dom.js';
import { clip, LIMIT, num, validSOG, parseTime, ago } from './format.js';
import { category } from './labels.js';
import { label } from './fleet.js';
import { L } from './i18n.js';

const ROW = 46; // px, keep in step with .row height in board.css
const OVERSCAN = 6;
const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });

// matches reports whether v matches a lower-cased search query: a substring
// of the name, call sign or ENI, or of the MMSI digits.
export function matches(v, q) {
  if (q === '') return true;
  if (String(v.mmsi).includes(q)) return true;
  if (clip(v.name, LIMIT.name).toLowerCase().includes(q)) return true;
  if (clip(v.callsign, LIMIT.callsign).toLowerCase().includes(q)) return true;
  const eni = v.inland ? clip(v.inland.eni, LIMIT.eni) : '';
  return eni !== '' && eni.toLowerCase().includes(q);
}

// compare orders [name, vessel] pairs: by name, nameless last, then MMSI.
// The names are clipped once per refresh, not once per comparison.
function compare([na, a], [nb, b]) {
  if (na === '' && nb !== '') return 1;
  if (nb === '' && na !== '') return -1;
  return collator.compare(na, nb) || a.mmsi - b.mmsi;
}

export class VesselList {
  // fleet: the Fleet; nodes: {list, spacer, search, count}; onPick(mmsi);
  // onRefresh() runs after each re-sort (the header counts follow it).
  constructor(fleet, nodes, onPick, onRefresh, accept) {
    this.fleet = fleet;
    this.accept = accept || (() => true); // the filters beside the search
    this.n = nodes;
    this.onPick = onPick;
    this.onRefresh = onRefresh || (() => {});
    this.rows = [];
    this.query = '';
    this.selected = null;
    this.seen = -1;
    this.timer = 0;
    nodes.search.addEventListener('input', () => {
      this.query = nodes.search.value.trim().toLowerCase().slice(0, 40);
      this.refresh(true);
    });
    // Cached so painting never forces a layout of the whole page.
    this.viewH = 600;
    this.scrollTop = 0;
    nodes.list.addEventListener('scroll', () => { this.scrollTop = nodes.list.scrollTop; this.paint(); }, { passive: true });
    new ResizeObserver(() => { this.viewH = nodes.list.clientHeight || 600; this.paint(); }).observe(nodes.list);
    nodes.list.addEventListener('click', (e) => {
      const row = e.target.closest('.row');
      if (row) this.onPick(Number(row.dataset.mmsi), true);
    });
    nodes.list.addEventListener('keydown', (e) => this._key(e));
  }

  // schedule refreshes soon, coalescing bursts of live updates.
  schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = 0; this.refresh(false); }, 250);
  }

  // refresh re-filters and re-sorts when the fleet or query changed.
  refresh(force) {
    if (!force && this.seen === this.fleet.version) { this.paint(); return; }
    this.seen = this.fleet.version;
    const out = [];
    for (const v of this.fleet.vessels()) if (matches(v, this.query) && this.accept(v)) out.push([clip(v.name, LIMIT.name), v]);
    out.sort(compare);
    this.rows = out.map((p) => p[1]);
    this.n.spacer.style.height = `${out.length * ROW}px`;
    const total = this.fleet.size;
    setText(this.n.count, out.length === total ? String(total) : `${out.length} / ${total}`);
    this.paint();
    this.onRefresh();
  }

  // setSelected marks one row as chosen and scrolls it into view.
  setSelected(mmsi, scroll) {
    this.selected = mmsi;
    if (scroll) {
      const i = this.rows.findIndex((v) => v.mmsi === mmsi);
      if (i >= 0) {
        const top = i * ROW;
        if (top < this.scrollTop || top + ROW > this.scrollTop + this.viewH) {
          this.scrollTop = Math.max(0, top - this.viewH / 2);
          this.n.list.scrollTop = this.scrollTop;
        }
      }
    }
    this.paint();
  }

  // paint draws the rows in view. A vessel's row node is kept and updated
  // in place while it stays in view, so a click whose press and release
  // straddle a repaint (live updates repaint several times a second) still
  // lands on one element and is not lost.
  paint() {
    const first = Math.max(0, Math.floor(this.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.scrollTop + this.viewH) / ROW) + OVERSCAN);
    const now = Date.now();
    const kept = new Map();
    const nodes = [];
    for (let i = first; i < last; i++) {
      const v = this.rows[i];
      const row = (this.rowNodes && this.rowNodes.get(v.mmsi)) || this._newRow(v.mmsi);
      this._fill(row, v, i, now);
      kept.set(v.mmsi, row);
      nodes.push(row);
    }
    this.rowNodes = kept;
    if (this.rows.length === 0) {
      nodes.push(el('div', { class: 'empty' }, L(this.fleet.size === 0 ? '暂无船舶 No vessels' : '无匹配 No match')));
    }
    const cur = this.n.spacer.children;
    if (cur.length !== nodes.length || nodes.some((n, i) => cur[i] !== n)) this.n.spacer.replaceChildren(...nodes);
  }

  _newRow(mmsi) {
    return el('div', { class: 'row', role: 'option', dataset: { mmsi } },
      el('span', { class: 'swatch', 'aria-hidden': 'true' }),
      el('span', { class: 'row-name' }),
      el('span', { class: 'row-sub' }));
  }

  // _fill sets what a row shows, touching only what changed.
  _fill(row, v, i, now) {
    const sog = validSOG(v.sog);
    const seen = parseTime(v.last_seen);
    const cls = ['row', `cat-${category(v.ship_type)}`];
    if (v.stale) cls.push('stale');
    if (Array.isArray(v.flags) && v.flags.length) cls.push('flagged');
    if (v.mmsi === this.selected) cls.push('selected');
    const c = cls.join(' ');
    if (row.className !== c) row.className = c;
    row.setAttribute('aria-selected', v.mmsi === this.selected ? 'true' : 'false');
    const cs = clip(v.callsign, LIMIT.callsign);
    setText(row.children[1], label(v));
    setText(row.children[2], `${v.mmsi}${cs ? ` · ${cs}` : ''}${sog !== null ? ` · ${num(sog, 1, 'kn')}` : ''}` +
      `${v.lat === null || v.lat === undefined ? ` · ${L('无位置 no position')}` : ''}${seen ? ` · ${ago(seen, now)}` : ''}`);
    const top = `${i * ROW}px`;
    if (row.style.top !== top) row.style.top = top;
  }

  _key(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
    e.preventDefault();
    let i = this.rows.findIndex((v) => v.mmsi === this.selected);
    if (e.key === 'ArrowDown') i = Math.min(this.rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    if (i >= 0 && this.rows[i]) this.onPick(this.rows[i].mmsi, true);
  }
}

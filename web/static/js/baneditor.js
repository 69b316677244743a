// The ban editor: choose zones (from the list or by clicking them on the
// map) or draw a polygon, then a reason, a start and an end in China
// Standard Time, the ship types still allowed, and whether the closure
// repeats every year (the ice season). A drawn polygon is first stored as
// a river_section zone (POST /api/v1/zones), then the ban is set on it
// (POST /api/v1/bans). It also lists the bans in force or to come, each
// with a button that lifts it.

import { el, clear, setText } from './dom.js';
import { clip, parseTime, shortTime, zoneLabel } from './format.js';
import { BAN_KIND, BAN_REASON, zoneKind } from './zonelabels.js';
import { postJSON, del } from './api.js';
import { L, T } from './i18n.js';
import { banActive } from './zones.js';

const Lf = window.L;
const CST = 8 * 3600 * 1000;
const MAX_VERTICES = 200;

// cstInput is a Date as a datetime-local value in CST.
function cstInput(d) {
  return new Date(d.getTime() + CST).toISOString().slice(0, 16);
}

// fromCST reads a datetime-local value as CST and returns RFC 3339 with the
// +08:00 offset, or '' when empty or malformed.
export function fromCST(v) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+08:00` : '';
}

// types reads "51, 55, 60-69" as a list of ITU ship types.
export function types(s) {
  const out = [];
  for (const part of String(s).split(/[,，\s]+/)) {
    if (!part) continue;
    const m = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (a > 255 || b > 255 || b < a) return null;
    for (let t = a; t <= b && out.length < 256; t++) out.push(t);
  }
  return out;
}

export class BanEditor {
  // panel: the aside; zones: the ZoneLayer; map: the Leaflet map; fleet:
  // the Fleet (its clicks pause while picking); notice(text).
  constructor(panel, zones, map, fleet, notice) {
    this.panel = panel;
    this.zones = zones;
    this.map = map;
    this.fleet = fleet;
    this.notice = notice;
    this.picked = new Set();
    this.mode = ''; // '' | 'pick' | 'draw'
    this.vertices = [];
    this.preview = null;
    this._build();
    this._wireMap();
  }

  _build() {
    const opt = (v, t) => el('option', { value: v }, t);
    this.f = {
      filter: el('input', { class: 'ban-filter', type: 'search', maxlength: '40', placeholder: L('筛选区域 Filter zones'), 'aria-label': L('筛选区域 Filter zones') }),
      zoneList: el('div', { class: 'ban-zones', role: 'group', 'aria-label': L('区域 Zones') }),
      pick: el('button', { type: 'button', class: 'ban-pick' }, L('在地图上选择 Pick on map')),
      draw: el('button', { type: 'button', class: 'ban-draw' }, L('绘制多边形 Draw polygon')),
      finish: el('button', { type: 'button', class: 'ban-finish', disabled: true }, L('完成多边形 Finish polygon')),
      clearDraw: el('button', { type: 'button', class: 'ban-clear' }, L('清除 Clear')),
      drawNote: el('span', { class: 'ban-draw-note' }),
      kind: el('select', { class: 'ban-kind', 'aria-label': L('类型 Kind') }, opt('prohibit', BAN_KIND.prohibit), opt('restrict', BAN_KIND.restrict)),
      speed: el('input', { class: 'ban-speed', type: 'number', min: '0.5', max: '40', step: '0.5', value: '5', 'aria-label': L('限速 Max speed (kn)') }),
      reason: el('select', { class: 'ban-reason', 'aria-label': L('原因 Reason') }, ...Object.entries(BAN_REASON).map(([k, t]) => opt(k, t))),
      from: el('input', { class: 'ban-from', type: 'datetime-local', 'aria-label': L('开始 From (CST)') }),
      until: el('input', { class: 'ban-until', type: 'datetime-local', 'aria-label': L('结束 Until (CST)') }),
      allowed: el('input', { class: 'ban-allowed', type: 'text', maxlength: '120', placeholder: '51, 55', 'aria-label': L('允许船型 Allowed ship types') }),
      applies: el('input', { class: 'ban-applies', type: 'text', maxlength: '120', placeholder: '60-69', 'aria-label': L('适用船型 Applies to ship types') }),
      yearly: el('input', { class: 'ban-yearly', type: 'checkbox' }),
      note: el('input', { class: 'ban-note', type: 'text', maxlength: '200', 'aria-label': L('说明 Note') }),
      submit: el('button', { type: 'submit', class: 'ban-submit primary' }, L('发布禁航令 Set ban')),
      error: el('p', { class: 'ban-error', role: 'alert', hidden: true }),
      bans: el('div', { class: 'ban-list', role: 'list' }),
    };
    const f = this.f;
    const row = (label, ...inputs) => el('label', { class: 'ban-row' }, el('span', null, L(label)), ...inputs);
    const form = el('form', { class: 'ban-form', novalidate: true },
      el('h3', null, L('新禁航令 New ban')),
      f.filter, f.zoneList,
      el('div', { class: 'ban-tools' }, f.pick, f.draw, f.finish, f.clearDraw), f.drawNote,
      row('类型 Kind', f.kind), row('限速 Max speed (kn)', f.speed), row('原因 Reason', f.reason),
      row(`开始 From (${zoneLabel()})`, f.from), row(`结束 Until (${zoneLabel()})`, f.until),
      row('允许船型 Allowed types', f.allowed), row('适用船型 Applies to', f.applies),
      el('label', { class: 'ban-row ban-check' }, f.yearly, el('span', null, L('每年重复（季节性封航） Every year (seasonal closure)'))),
      row('说明 Note', f.note), f.submit, f.error);
    this.panel.append(
      el('div', { class: 'panel-head' }, el('h2', null, L('禁航令 Navigation bans')),
        el('button', { class: 'close', type: 'button', title: L('关闭 Close'), 'aria-label': L('关闭 Close'), onclick: () => this.close() }, '×')),
      el('div', { class: 'panel-body' }, form, el('h3', null, L('生效及待生效 In force and coming')), f.bans));
    form.addEventListener('submit', (e) => { e.preventDefault(); this._submit(); });
    f.filter.addEventListener('input', () => this._zoneList());
    f.zoneList.addEventListener('change', (e) => {
      if (e.target.type !== 'checkbox') return;
      if (e.target.checked) this.picked.add(e.target.value); else this.picked.delete(e.target.value);
      this.zones.markPicked(this.picked);
    });
    f.pick.addEventListener('click', () => this._mode(this.mode === 'pick' ? '' : 'pick'));
    f.draw.addEventListener('click', () => this._mode(this.mode === 'draw' ? '' : 'draw'));
    f.finish.addEventListener('click', () => this._finish());
    f.clearDraw.addEventListener('click', () => { this.vertices = []; this.closed = false; this._preview(); });
    f.kind.addEventListener('change', () => { f.speed.disabled = f.kind.value !== 'restrict'; });
    f.speed.disabled = true;
    f.bans.addEventListener('click', (e) => this._lift(e));
  }

  open() {
    const now = new Date();
    if (!this.f.from.value) this.f.from.value = cstInput(now);
    if (!this.f.until.value) this.f.until.value = cstInput(new Date(now.getTime() + 6 * 3600 * 1000));
    this._zoneList();
    this.renderBans();
    this.panel.hidden = false;
    document.body.classList.add('editing-bans');
  }

  close() {
    this._mode('');
    this.panel.hidden = true;
    document.body.classList.remove('editing-bans');
  }

  get isOpen() { return !this.panel.hidden; }

  _zoneList() {
    const q = this.f.filter.value.trim().toLowerCase();
    const items = [];
    for (const [id, p] of this.zones.list()) {
      const name = this.zones.name(id);
      if (q && !name.toLowerCase().includes(q) && !id.toLowerCase().includes(q)) continue;
      if (items.length >= 300) break;
      const box = el('input', { type: 'checkbox', value: id });
      box.checked = this.picked.has(id);
      items.push(el('label', { class: 'ban-zone', dataset: { zone: id } }, box, name || clip(id, 64), el('span', { class: 'muted' }, ` ${zoneKind(p.kind).label}`)));
    }
    this.f.zoneList.replaceChildren(...items);
  }

  _mode(m) {
    this.mode = m;
    this.f.pick.classList.toggle('on', m === 'pick');
    this.f.draw.classList.toggle('on', m === 'draw');
    this.fleet.layer.passive = m !== '';
    this.zones.onPick = m === 'pick' ? (id) => this._toggle(id) : null;
    if (m === 'draw') this.map.doubleClickZoom.disable(); else this.map.doubleClickZoom.enable();
    this.map.getContainer().classList.toggle('drawing', m === 'draw');
    this._preview();
  }

  _toggle(id) {
    if (this.picked.has(id)) this.picked.delete(id); else this.picked.add(id);
    this.zones.markPicked(this.picked);
    this._zoneList();
  }

  _wireMap() {
    const box = this.map.getContainer();
    let down = null;
    Lf.DomEvent.on(box, 'mousedown', (e) => { down = [e.clientX, e.clientY]; });
    Lf.DomEvent.on(box, 'click', (e) => {
      if (this.mode !== 'draw' || this.closed) return;
      if (e.target.closest && e.target.closest('.leaflet-control')) return;
      if (down && Math.abs(down[0] - e.clientX) + Math.abs(down[1] - e.clientY) > 5) return;
      if (this.vertices.length >= MAX_VERTICES) return;
      this.vertices.push(this.map.mouseEventToLatLng(e));
      this._preview();
    });
  }

  _finish() {
    if (this.vertices.length < 3) return;
    this.closed = true;
    this._mode('');
  }

  _preview() {
    if (this.preview) { this.preview.remove(); this.preview = null; }
    const n = this.vertices.length;
    if (n) {
      const opts = { className: 'ban-drawn', color: '#b91c1c', weight: 2, dashArray: '6 4', fillOpacity: 0.12, interactive: false };
      this.preview = (this.closed ? Lf.polygon(this.vertices, opts) : Lf.polyline(this.vertices, opts)).addTo(this.map);
    }
    this.f.finish.disabled = this.closed || n < 3;
    setText(this.f.drawNote, n === 0 ? '' : this.closed ? T(`已绘制 ${n} 个顶点的区域`, `Area of ${n} vertices drawn`) : T(`${n} 个顶点，点击地图继续`, `${n} vertices, click the map to add`));
    document.body.dataset.banVertices = String(n);
  }

  _fail(text) {
    setText(this.f.error, text);
    this.f.error.hidden = !text;
  }

  async _submit() {
    const f = this.f;
    this._fail('');
    const from = fromCST(f.from.value);
    const until = fromCST(f.until.value);
    const allowed = types(f.allowed.value);
    const applies = types(f.applies.value);
    const polygon = this.closed && this.vertices.length >= 3;
    if (!this.picked.size && !polygon) return this._fail(L('请选择区域或绘制多边形 Choose zones or draw a polygon'));
    if (!from || !until) return this._fail(L('请填写开始和结束时间 Enter the start and the end'));
    if (allowed === null || applies === null) return this._fail(L('船型格式如 51, 55, 60-69 Ship types like 51, 55, 60-69'));
    f.submit.disabled = true;
    try {
      const ids = [...this.picked];
      if (polygon) {
        const ring = this.vertices.map((ll) => [Number(ll.lng.toFixed(6)), Number(ll.lat.toFixed(6))]);
        ring.push(ring[0]);
        const id = `drawn-${Date.now().toString(36)}`;
        const name = clip(f.note.value, 40);
        const zone = await postJSON('/api/v1/zones', {
          type: 'Feature',
          properties: { id, kind: 'river_section', name: name || 'Drawn ban area', name_zh: name || '绘制禁航区' },
          geometry: { type: 'Polygon', coordinates: [ring] },
        });
        ids.push(zone && zone.properties && typeof zone.properties.id === 'string' ? zone.properties.id : id);
      }
      const body = { zone_ids: ids, kind: f.kind.value, reason: f.reason.value, from, until, yearly: f.yearly.checked, note: f.note.value.trim().slice(0, 200) };
      if (allowed.length) body.allowed_types = allowed;
      if (applies.length) body.applies_to = applies;
      if (f.kind.value === 'restrict') body.max_speed_kn = Number(f.speed.value) || 5;
      const ban = await postJSON('/api/v1/bans', body);
      if (ban && typeof ban.id === 'string') this.zones.upsertBan(ban);
      this.picked.clear();
      this.zones.markPicked(this.picked);
      this.vertices = [];
      this.closed = false;
      this._preview();
      this._zoneList();
      this.renderBans();
      this.notice(L('禁航令已发布 Ban set'), 4000);
      document.body.dataset.lastBan = ban && typeof ban.id === 'string' ? ban.id : '';
    } catch (err) {
      this._fail(`${L('发布失败 Could not set the ban')}: ${err.status === 403 ? L('无权限 Not permitted') : clip(err.apiMessage || err.message, 200)}`);
    } finally {
      f.submit.disabled = false;
    }
  }

  async _lift(e) {
    const btn = e.target.closest('.ban-lift');
    if (!btn) return;
    btn.disabled = true;
    try {
      const b = await del(`/api/v1/bans/${encodeURIComponent(btn.dataset.id)}`);
      if (b && typeof b.id === 'string') this.zones.upsertBan(b);
      this.renderBans();
    } catch (err) {
      btn.disabled = false;
      this.notice(`${L('解除失败 Could not lift')}: ${err.status === 403 ? L('无权限 Not permitted') : clip(err.apiMessage || err.message, 160)}`, 6000);
    }
  }

  // renderBans lists the bans in force now or later, soonest end first.
  renderBans() {
    const now = Date.now();
    const list = [...this.zones.bans.values()].filter((b) => {
      if (parseTime(b.lifted_at)) return false;
      const until = parseTime(b.until);
      return b.yearly || banActive(b, now) || (until && until.getTime() > now);
    }).sort((a, b) => (a.until < b.until ? -1 : 1));
    clear(this.f.bans);
    if (!list.length) this.f.bans.append(el('div', { class: 'empty' }, L('暂无禁航令 No bans')));
    for (const b of list.slice(0, 200)) {
      const from = parseTime(b.from);
      const until = parseTime(b.until);
      const names = b.zone_ids.slice(0, 6).map((id) => this.zones.name(id) || clip(id, 64)).join('、');
      this.f.bans.append(el('div', { class: `ban-item${banActive(b, now) ? ' active' : ''}`, role: 'listitem', dataset: { id: clip(b.id, 128) } },
        el('div', { class: 'ban-title' }, `${BAN_KIND[b.kind] || clip(b.kind, 16)} · ${BAN_REASON[b.reason] || clip(b.reason, 16)}`, b.yearly ? ` · ${L('每年 Yearly')}` : ''),
        el('div', { class: 'ban-zones-named' }, names),
        el('div', { class: 'ban-when muted' }, `${shortTime(from)} – ${shortTime(until)} ${zoneLabel()}`,
          Array.isArray(b.allowed_types) && b.allowed_types.length ? ` · ${L('允许 Allowed')} ${b.allowed_types.slice(0, 12).join(',')}` : ''),
        el('button', { class: 'ban-lift', type: 'button', dataset: { id: clip(b.id, 128) } }, L('解除 Lift'))));
    }
  }
}

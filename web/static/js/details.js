// Details is the panel that shows every field of the chosen vessel and draws
// its track. All values are set as text.

import { el, clear } from './dom.js';
import {
  DASH, LIMIT, clip, textOr, num, positive, isNum, validHeading, validCOG, validSOG,
  parseTime, dateTime, ago, eta, zoneLabel,
} from './format.js';
import { navStatus, shipType, CLASS_TEXT, FLAG_TEXT, eriType, cones, LOADED_TEXT } from './labels.js';
import { label } from './fleet.js';
import { getJSON, HTTPError } from './api.js';
import { L } from './i18n.js';
import { ALERT_KIND, SEVERITY } from './zonelabels.js';

const Lf = window.L;

function when(s, now) {
  const d = parseTime(s);
  if (!d) return DASH;
  return `${dateTime(d)} ${zoneLabel()} · ${ago(d, now)}`;
}

function count(n) {
  return isNum(n) ? String(n) : DASH;
}

function yesNo(b) {
  return L(b ? '是 Yes' : '否 No');
}

const MAX_CHANGES = 50;

// changeText describes one entry of the vessel's static-data history.
function changeText(c) {
  const parts = [];
  if (c.name) parts.push(`${L('船名 Name')} ${clip(c.name, LIMIT.name)}`);
  if (c.callsign) parts.push(`${L('呼号 Call sign')} ${clip(c.callsign, LIMIT.callsign)}`);
  if (isNum(c.ship_type)) parts.push(`${L('船型 Type')} ${c.ship_type}`);
  if (c.destination) parts.push(`${L('目的地 Destination')} ${clip(c.destination, LIMIT.destination)}`);
  if (isNum(c.draught_m)) parts.push(`${L('吃水 Draught')} ${c.draught_m.toFixed(1)} m`);
  if (isNum(c.persons)) parts.push(`${L('船上人数 Persons')} ${c.persons}`);
  return parts.join(' · ') || DASH;
}

// sections lists the panel's rows: [heading, [[label, value, key], ...]].
function sections(v, now) {
  const inl = v.inland || null;
  const per = v.persons || null;
  const flags = Array.isArray(v.flags) ? v.flags : [];
  return [
    ['识别 Identity', [
      ['MMSI', String(v.mmsi), 'mmsi'],
      ['类别 Class', CLASS_TEXT[v.class] || textOr(v.class, 8), 'class'],
      ['船名 Name', textOr(v.name, LIMIT.name), 'name'],
      ['呼号 Call sign', textOr(v.callsign, LIMIT.callsign), 'callsign'],
      ['IMO', isNum(v.imo) && v.imo > 0 ? String(v.imo) : DASH, 'imo'],
      ['船型 Ship type', shipType(v.ship_type), 'ship_type'],
    ]],
    ['动态 Position', [
      ['纬度 Latitude', num(v.lat, 5, '°'), 'lat'],
      ['经度 Longitude', num(v.lon, 5, '°'), 'lon'],
      ['航速 SOG', num(validSOG(v.sog), 1, 'kn'), 'sog'],
      ['航向 COG', num(validCOG(v.cog), 1, '°'), 'cog'],
      ['船首向 Heading', num(validHeading(v.heading), 0, '°'), 'heading'],
      ['航行状态 Nav status', navStatus(v.nav_status), 'nav_status'],
      ['远程报告 Long range', yesNo(v.long_range), 'long_range'],
    ]],
    ['航次 Voyage', [
      ['目的地 Destination', textOr(v.destination, LIMIT.destination), 'destination'],
      ['预计到达 ETA', eta(v.eta, now), 'eta'],
      ['船长 Length', positive(v.length, 1, 'm'), 'length'],
      ['船宽 Beam', positive(v.beam, 1, 'm'), 'beam'],
      ['吃水 Draught', positive(v.draught, 1, 'm'), 'draught'],
    ]],
    ['内河 Inland', inl ? [
      ['欧洲船舶号 ENI', textOr(inl.eni, LIMIT.eni), 'eni'],
      ['船长 Length', positive(inl.length, 1, 'm'), 'inland_length'],
      ['船宽 Beam', positive(inl.beam, 2, 'm'), 'inland_beam'],
      ['ERI 船型 ERI type', eriType(inl.eri_type), 'eri_type'],
      ['危险品 Hazardous cargo', cones(inl.hazardous_cones), 'hazardous_cones'],
      ['吃水 Draught', positive(inl.draught, 2, 'm'), 'inland_draught'],
      ['装载 Loaded', LOADED_TEXT[inl.loaded] || DASH, 'loaded'],
    ] : [['内河数据 Inland data', DASH, 'inland']]],
    ['人员 Persons on board', per ? [
      ['船员 Crew', count(per.crew), 'crew'],
      ['乘客 Passengers', count(per.passengers), 'passengers'],
      ['其他人员 Personnel', count(per.personnel), 'personnel'],
    ] : [['人员数据 Persons data', DASH, 'persons']]],
    ['状态 Status', [
      ['标记 Flags', flags.length ? flags.slice(0, 8).map((f) => FLAG_TEXT[f] || clip(f, LIMIT.flag)).join('；') : DASH, 'flags'],
      ['信号过时 Stale', yesNo(v.stale), 'stale'],
      ['已丢失 Lost', yesNo(v.lost), 'lost'],
    ]],
    ['时间 Times', [
      ['最后收到 Last seen', when(v.last_seen, now), 'last_seen'],
      ['位置时间 Position at', when(v.position_at, now), 'position_at'],
      ['静态数据 Static at', when(v.static_at, now), 'static_at'],
      ['内河/人员数据 Inland/persons at', when(v.inland_at, now), 'inland_at'],
    ]],
    ['接收 Reception', [
      ['接收站 Station', textOr(v.station, LIMIT.station), 'station'],
      ['位置接收站 Position station', textOr(v.position_station, LIMIT.station), 'position_station'],
      ['静态接收站 Static station', textOr(v.static_station, LIMIT.station), 'static_station'],
    ]],
  ];
}

export class Details {
  // panel: the aside element; map: the Leaflet map; onClose().
  constructor(panel, map, onClose, alertsOf) {
    this.panel = panel;
    this.alertsOf = alertsOf || (() => []);
    this.changes = null; // null loading, [] none, or the entries
    this.changesNote = '';
    this.map = map;
    this.onClose = onClose;
    this.mmsi = null;
    this.track = null;
    this.trackAbort = null;
    this.trackPts = [];
  }

  // show opens the panel for v and loads its track.
  show(v) {
    const changed = this.mmsi !== v.mmsi;
    this.mmsi = v.mmsi;
    this.render(v);
    if (changed) {
      this._loadTrack(v.mmsi);
      this._loadChanges(v.mmsi);
      this._loadPast(v.mmsi);
    }
  }

  async _loadChanges(mmsi) {
    this.changes = null;
    this.changesNote = L('加载中 Loading…');
    const until = new Date();
    const since = new Date(until.getTime() - 30 * 24 * 3600 * 1000);
    try {
      const body = await getJSON(`/api/v1/vessels/${encodeURIComponent(mmsi)}/changes?since=${since.toISOString()}&until=${until.toISOString()}`);
      if (this.mmsi !== mmsi) return;
      this.changes = (Array.isArray(body && body.changes) ? body.changes : []).slice(-MAX_CHANGES).reverse();
      this.changesNote = this.changes.length ? '' : L('30 天内无变更 No changes in 30 days');
    } catch (err) {
      if (this.mmsi !== mmsi) return;
      this.changes = [];
      this.changesNote = err instanceof HTTPError && err.status === 404 ? L('历史记录不可用 History unavailable') : L('变更记录加载失败 Changes unavailable');
    }
    const v = this.current;
    if (v && v.mmsi === mmsi) this.render(v);
  }

  // _loadPast fetches the vessel's resolved alerts of the last 30 days.
  async _loadPast(mmsi) {
    this.past = [];
    const since = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
    try {
      const body = await getJSON(`/api/v1/alerts?mmsi=${encodeURIComponent(mmsi)}&state=resolved&since=${since}&limit=20`);
      if (this.mmsi !== mmsi) return;
      this.past = Array.isArray(body && body.alerts) ? body.alerts.slice(0, 20) : [];
    } catch (_) { return; }
    const v = this.current;
    if (v && v.mmsi === mmsi) this.render(v);
  }

  _extras(body, v) {
    const seen = new Set();
    const alerts = [...this.alertsOf(v.mmsi), ...(this.past || [])].filter((a) => {
      if (!a || seen.has(a.id)) return false;
      seen.add(a.id);
      return true;
    }).slice(0, 30);
    const al = el('ul', { class: 'card-alerts', dataset: { field: 'alerts' } });
    for (const a of alerts) {
      const sev = SEVERITY[a.severity] ? a.severity : 'info';
      const d = parseTime(a.opened_at);
      al.append(el('li', { class: `sev-${sev}${a.state === 'resolved' ? ' resolved' : ''}`, dataset: { id: String(a.id).slice(0, 128) } },
        `${SEVERITY[sev].label} · ${ALERT_KIND[a.kind] || clip(a.kind, 32)} · ${d ? dateTime(d) : DASH}`,
        a.state === 'resolved' ? ` · ${L('已解除 Resolved')}` : ''));
    }
    if (!alerts.length) al.append(el('li', { class: 'na' }, L('无告警 No alerts')));
    body.append(el('h3', null, L('告警 Alerts')), al);
    const ch = el('ul', { class: 'card-changes', dataset: { field: 'changes' } });
    for (const c of this.changes || []) {
      const d = parseTime(c.at);
      ch.append(el('li', null, el('time', null, d ? `${dateTime(d)} ` : ''), changeText(c)));
    }
    if (this.changesNote) ch.append(el('li', { class: 'na' }, this.changesNote));
    body.append(el('h3', null, L('变更记录 Changes')), ch);
  }

  // update re-renders when v is the shown vessel and extends its track.
  update(v) {
    if (v.mmsi !== this.mmsi) return;
    this.render(v);
    if (this.track && isNum(v.lat) && isNum(v.lon)) {
      const last = this.trackPts[this.trackPts.length - 1];
      if (!last || last[0] !== v.lat || last[1] !== v.lon) {
        this.trackPts.push([v.lat, v.lon]);
        this.track.setLatLngs(this.trackPts);
      }
    }
  }

  // close hides the panel and removes the track.
  close() {
    this.mmsi = null;
    this.current = null;
    this.panel.hidden = true;
    clear(this.panel);
    this._clearTrack();
  }

  render(v) {
    this.current = v;
    const now = Date.now();
    const p = this.panel;
    const old = p.querySelector('.details-body');
    const scroll = old ? old.scrollTop : 0;
    clear(p);
    const head = el('div', { class: 'details-head' },
      el('h2', { class: 'details-title' }, label(v)),
      el('button', { class: 'close', type: 'button', title: L('关闭 Close'), 'aria-label': L('关闭 Close'), onclick: () => this.onClose() }, '×'));
    const body = el('div', { class: 'details-body' });
    if (v.lost) body.append(el('p', { class: 'warn' }, L('已丢失 Lost')));
    else if (v.stale) body.append(el('p', { class: 'warn' }, L('信号过时 Stale')));
    for (const [title, rows] of sections(v, now)) {
      const dl = el('dl', { class: 'fields' });
      for (const [k, val, key] of rows) {
        dl.append(el('dt', null, L(k)), el('dd', { dataset: { field: key }, class: val === DASH ? 'na' : null }, val));
      }
      body.append(el('h3', null, L(title)), dl);
    }
    this._extras(body, v);
    body.append(el('p', { class: 'track-note', dataset: { field: 'track' } }, this._trackText()));
    p.append(head, body);
    p.hidden = false;
    body.scrollTop = scroll;
  }

  _trackText() {
    if (this.trackAbort) return L('航迹加载中 Loading track…');
    if (this.trackError) return L('航迹不可用 Track unavailable');
    if (!this.track) return '';
    return L(`航迹 Track: ${this.trackPts.length} 点 points`);
  }

  _clearTrack() {
    if (this.trackAbort) this.trackAbort.abort();
    this.trackAbort = null;
    this.trackError = false;
    if (this.track) this.track.remove();
    this.track = null;
    this.trackPts = [];
  }

  async _loadTrack(mmsi) {
    this._clearTrack();
    const ctl = new AbortController();
    this.trackAbort = ctl;
    try {
      const body = await getJSON(`/api/v1/vessels/${encodeURIComponent(mmsi)}/track`, { signal: ctl.signal });
      if (this.mmsi !== mmsi || ctl.signal.aborted) return;
      const pts = [];
      for (const p of Array.isArray(body.points) ? body.points : []) {
        if (isNum(p.lat) && isNum(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180) pts.push([p.lat, p.lon]);
      }
      this.trackPts = pts;
      this.track = Lf.polyline(pts, { className: 'vessel-track', interactive: false, weight: 3 }).addTo(this.map);
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.trackError = true;
    } finally {
      if (this.trackAbort === ctl) this.trackAbort = null;
    }
    const note = this.panel.querySelector('[data-field="track"]');
    if (note && this.mmsi === mmsi) note.textContent = this._trackText();
  }
}

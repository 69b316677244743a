// AlertPanel lists the open (and acknowledged) safety alerts, the most
// severe and newest first. Each names the nearest rescue station and its
// time to get there, and has "show on map", and for those who may,
// acknowledge and resolve with a comment. While an alarm or critical alert
// is unacknowledged the alarm beeps. Everything from the wire is set as
// text.

import { el, setText } from './dom.js';
import { clip, isNum, parseTime, dateTime, zoneLabel } from './format.js';
import { ALERT_KIND, SEVERITY, ALERT_STATE } from './zonelabels.js';
import { postJSON } from './api.js';
import { L, distance, duration, distUnit } from './i18n.js';
import { stationName } from './rescue.js';

const MAX_ALERTS = 2000; // kept
const MAX_SHOWN = 200; // drawn
const RESCUE_FOR = 50; // alerts whose rescue station is looked up
const LOUD = new Set(['alarm', 'critical']);

function rank(a) {
  const s = SEVERITY[a.severity];
  return s ? s.rank : 0;
}

function time(a) {
  const d = parseTime(a.opened_at);
  return d ? d.getTime() : 0;
}

function compare(a, b) {
  return rank(b) - rank(a) || time(b) - time(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// validAlert keeps what the panel can show: an id.
function validAlert(a) {
  return a && typeof a === 'object' && typeof a.id === 'string' && a.id !== '' && a.id.length <= 128;
}

export class AlertPanel {
  // nodes: {list, count}; names: {vessel(mmsi), zone(id)} give display
  // names; onShow(alert, rescue) shows one on the map; opts: {rescue
  // (RescueInfo), alarm (Alarm), canAck(), canResolve(), onError(text),
  // onChange()}.
  constructor(nodes, names, onShow, opts = {}) {
    this.n = nodes;
    this.names = names;
    this.onShow = onShow;
    this.opts = opts;
    this.alerts = new Map(); // id -> alert
    this.nodes = new Map(); // id -> {sig, node}: items drawn, reused while unchanged
    this.comments = new Map(); // id -> comment being typed
    this.selected = null;
    this.timer = 0;
    // A live update may redraw an item between the press and the release
    // of a click: the browser then clicks their common ancestor. The
    // button pressed is remembered so that such a click still counts.
    this.pressed = null;
    nodes.list.addEventListener('pointerdown', (e) => {
      const b = e.target.closest('button');
      const it = b && b.closest('.alert');
      this.pressed = it ? { id: it.dataset.id, cls: [...b.classList].find((c) => c.startsWith('alert-')), node: b } : null;
    });
    // Released over the same alert after its button was redrawn: the
    // browser sends no click at all, so the release acts for it.
    nodes.list.addEventListener('pointerup', (e) => {
      const p = this.pressed;
      if (!p || p.node.isConnected) return;
      const it = e.target.closest && e.target.closest('.alert');
      if (!it || it.dataset.id !== p.id) return;
      this._click({ target: it });
    });
    nodes.list.addEventListener('click', (e) => this._click(e));
    nodes.list.addEventListener('input', (e) => {
      const item = e.target.closest('.alert');
      if (item && e.target.classList.contains('alert-comment')) this.comments.set(item.dataset.id, e.target.value);
    });
    this.render();
  }

  get size() { return this.alerts.size; }

  get(id) { return this.alerts.get(id) || null; }

  // forVessel lists the active alerts of one vessel, newest first.
  forVessel(mmsi) {
    return [...this.alerts.values()].filter((a) => a.mmsi === mmsi || a.other_mmsi === mmsi).sort((a, b) => time(b) - time(a));
  }

  // alerting is the set of MMSIs with an active alert.
  alerting() {
    const s = new Set();
    for (const a of this.alerts.values()) {
      if (Number.isInteger(a.mmsi) && a.mmsi > 0) s.add(a.mmsi);
      if (Number.isInteger(a.other_mmsi) && a.other_mmsi > 0) s.add(a.other_mmsi);
    }
    return s;
  }

  replaceAll(list) {
    this.alerts.clear();
    for (const a of Array.isArray(list) ? list : []) {
      if (this.alerts.size >= MAX_ALERTS) break;
      if (validAlert(a) && a.state !== 'resolved') this.alerts.set(a.id, a);
    }
    this.render(true);
  }

  // upsert files an opened, updated or acknowledged alert; a resolved one
  // leaves the panel.
  upsert(a) {
    if (!validAlert(a)) return;
    if (a.state === 'resolved') { this.remove(a.id); return; }
    if (!this.alerts.has(a.id) && this.alerts.size >= MAX_ALERTS) return;
    this.alerts.set(a.id, a);
    this.render();
  }

  remove(id) {
    this.comments.delete(id);
    if (this.alerts.delete(id)) this.render();
  }

  async _click(e) {
    let btn = e.target.closest('button');
    const p = this.pressed;
    this.pressed = null;
    if (!btn && p && p.cls) {
      const item = [...this.n.list.querySelectorAll('.alert')].find((n) => n.dataset.id === p.id);
      btn = item ? item.querySelector(`.${p.cls}`) : null;
    }
    const item = btn && btn.closest('.alert');
    const a = item && this.alerts.get(item.dataset.id);
    if (!a) return;
    if (btn.classList.contains('alert-show')) {
      this.selected = a.id;
      this.render(true);
      const r = this.opts.rescue ? this.opts.rescue.get(a) : null;
      this.onShow(a, r && r.state === 'ok' ? r.data : null);
      return;
    }
    const action = btn.classList.contains('alert-ack') ? 'ack' : btn.classList.contains('alert-resolve') ? 'resolve' : '';
    if (!action) return;
    const comment = (this.comments.get(a.id) || '').trim().slice(0, 500);
    btn.disabled = true;
    try {
      const updated = await postJSON(`/api/v1/alerts/${encodeURIComponent(a.id)}/${action}`, comment ? { comment } : undefined);
      this.comments.delete(a.id);
      if (updated && validAlert(updated)) this.upsert(updated);
    } catch (err) {
      btn.disabled = false;
      if (this.opts.onError) this.opts.onError(`${L('操作失败 Action failed')}: ${err.status === 403 ? L('无权限 Not permitted') : clip(err.apiMessage || err.message, 160)}`);
    }
  }

  // render redraws the list, now or (for bursts of live updates) within
  // 100 ms. Items whose content did not change keep their nodes, so that a
  // click or a comment being typed is not lost to an update of another.
  render(now) {
    if (!now) {
      if (!this.timer) this.timer = setTimeout(() => this.render(true), 100);
      return;
    }
    clearTimeout(this.timer);
    this.timer = 0;
    const list = [...this.alerts.values()].sort(compare);
    setText(this.n.count, String(list.length));
    this.n.count.classList.toggle('has-alerts', list.length > 0);
    const top = list.length ? list[0].severity : '';
    this.n.count.dataset.severity = SEVERITY[top] ? top : '';
    const nodes = [];
    const drawn = new Map();
    const active = document.activeElement;
    list.slice(0, MAX_SHOWN).forEach((a, i) => {
      const rescue = i < RESCUE_FOR && this.opts.rescue ? this.opts.rescue.get(a) : null;
      const sig = this._sig(a, rescue);
      let d = this.nodes.get(a.id);
      // Keep an item whose comment is being typed, unless its state moved on.
      const typing = d && active && active.classList.contains('alert-comment') && d.node.contains(active) && d.sig.split('\u0001')[1] === a.state;
      if (!d || (d.sig !== sig && !typing)) d = { sig, node: this._item(a, rescue) };
      drawn.set(a.id, d);
      nodes.push(d.node);
    });
    this.nodes = drawn;
    if (list.length === 0) nodes.push(el('div', { class: 'empty' }, L('暂无告警 No open alerts')));
    if (list.length > MAX_SHOWN) nodes.push(el('div', { class: 'empty' }, L(`另有 ${list.length - MAX_SHOWN} 条 ${list.length - MAX_SHOWN} more`)));
    const cur = this.n.list.children;
    if (cur.length !== nodes.length || nodes.some((n, i) => cur[i] !== n)) this.n.list.replaceChildren(...nodes);
    if (this.opts.alarm) this.opts.alarm.set(list.some((a) => LOUD.has(a.severity) && a.state === 'open'));
    if (this.opts.onChange) this.opts.onChange();
  }

  // _sig is what an item shows, to tell whether it must be redrawn.
  _sig(a, rescue) {
    const mmsi = Number.isInteger(a.mmsi) ? a.mmsi : 0;
    return [a.updated_at, a.state, a.severity, a.kind, a.message_zh, a.message_en, a.lat, a.lon,
      a.id === this.selected, mmsi ? this.names.vessel(mmsi) : '', a.zone_id ? this.names.zone(a.zone_id) : '',
      rescue ? rescue.state : '', a.station_id, a.station_eta_s, distUnit].join('\u0001');
  }

  _rescueLine(a, rescue) {
    if (rescue && rescue.state === 'ok') {
      const d = rescue.data;
      return el('div', { class: 'alert-rescue', dataset: { station: d.station.id } },
        el('span', { class: 'alert-station' }, stationName(d.station)),
        ` · ${distance(d.distance_m)} · ${L('预计到达 ETA')} ${duration(d.eta_s)}`,
        d.cameras.length ? ` · ${L('摄像头 Cameras')} ${d.cameras.length}` : '');
    }
    if (typeof a.station_id === 'string' && a.station_id) {
      return el('div', { class: 'alert-rescue', dataset: { station: clip(a.station_id, 64) } },
        el('span', { class: 'alert-station' }, clip(a.station_id, 64)),
        isNum(a.station_eta_s) ? ` · ${L('预计到达 ETA')} ${duration(a.station_eta_s)}` : '');
    }
    if (rescue && rescue.state === 'loading') return el('div', { class: 'alert-rescue muted' }, L('查找最近救助站… Finding the nearest station…'));
    return null;
  }

  _item(a, rescue) {
    const sev = SEVERITY[a.severity] ? a.severity : 'info';
    const mmsi = Number.isInteger(a.mmsi) && a.mmsi > 0 ? a.mmsi : null;
    const vessel = mmsi !== null ? this.names.vessel(mmsi) : '';
    const zone = typeof a.zone_id === 'string' && a.zone_id ? (this.names.zone(a.zone_id) || clip(a.zone_id, 64)) : '';
    const opened = parseTime(a.opened_at);
    const cls = ['alert', `sev-${sev}`];
    if (a.state === 'acknowledged') cls.push('acked');
    if (a.id === this.selected) cls.push('selected');
    if (LOUD.has(sev) && a.state === 'open') cls.push('loud');
    const canShow = (isNum(a.lat) && isNum(a.lon)) || mmsi !== null;
    const canAck = a.state === 'open' && (!this.opts.canAck || this.opts.canAck(a));
    const canResolve = !this.opts.canResolve || this.opts.canResolve(a);
    const comment = canAck || canResolve
      ? el('input', { class: 'alert-comment', type: 'text', maxlength: '500', placeholder: L('备注 Comment'), 'aria-label': L('备注 Comment') })
      : null;
    if (comment) comment.value = this.comments.get(a.id) || '';
    return el('div', { class: cls.join(' '), role: 'listitem', dataset: { id: a.id, severity: sev, state: clip(a.state, 16), kind: clip(a.kind, 32), mmsi: mmsi === null ? '' : String(mmsi) } },
      el('div', { class: 'alert-head' },
        el('span', { class: 'alert-sev' }, SEVERITY[sev].label),
        el('span', { class: 'alert-kind' }, ALERT_KIND[a.kind] || clip(a.kind, 32))),
      mmsi !== null ? el('div', { class: 'alert-vessel' },
        vessel && vessel !== `MMSI ${mmsi}` ? `${vessel} · MMSI ${mmsi}` : `MMSI ${mmsi}`) : null,
      zone ? el('div', { class: 'alert-zone' }, zone) : null,
      a.message_zh || a.message_en ? el('div', { class: 'alert-msg' },
        clip(a.message_zh, 120), a.message_zh && a.message_en ? ' ' : '',
        a.message_en ? el('span', { class: 'alert-msg-en' }, clip(a.message_en, 160)) : null) : null,
      this._rescueLine(a, rescue),
      el('div', { class: 'alert-foot' },
        el('time', { class: 'alert-time' }, opened ? `${dateTime(opened)} ${zoneLabel()}` : '—'),
        a.state === 'acknowledged' ? el('span', { class: 'alert-state' }, ALERT_STATE.acknowledged) : null,
        a.state === 'acknowledged' && a.acked_by ? el('span', { class: 'alert-acked-by' }, clip(a.acked_by, 32)) : null,
        canShow ? el('button', { class: 'alert-show', type: 'button' }, L('在地图上显示 Show on map')) : null),
      comment ? el('div', { class: 'alert-actions' }, comment,
        canAck ? el('button', { class: 'alert-ack', type: 'button' }, L('确认 Acknowledge')) : null,
        canResolve ? el('button', { class: 'alert-resolve', type: 'button' }, L('解除 Resolve')) : null) : null);
  }
}

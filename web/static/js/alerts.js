// AlertPanel lists the open (and acknowledged) safety alerts, the most
// severe and newest first, each with a button that shows it on the map.
// Everything from the wire is set as text.

import { el, setText } from './dom.js';
import { clip, isNum, parseTime, dateTime, zoneLabel } from './format.js';
import { ALERT_KIND, SEVERITY, ALERT_STATE } from './zonelabels.js';

const MAX_ALERTS = 2000; // kept
const MAX_SHOWN = 200; // drawn

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

// validAlert keeps what the panel can show: an id, and a state not resolved.
function validAlert(a) {
  return a && typeof a === 'object' && typeof a.id === 'string' && a.id !== '' && a.id.length <= 128;
}

export class AlertPanel {
  // nodes: {list, count}; names: {vessel(mmsi), zone(id)} give display
  // names; onShow(alert) shows one on the map.
  constructor(nodes, names, onShow) {
    this.n = nodes;
    this.names = names;
    this.onShow = onShow;
    this.alerts = new Map(); // id -> alert
    this.nodes = new Map(); // id -> {sig, node}: items drawn, reused while unchanged
    this.selected = null;
    this.timer = 0;
    nodes.list.addEventListener('click', (e) => {
      const btn = e.target.closest('.alert-show');
      const item = btn && btn.closest('.alert');
      const a = item && this.alerts.get(item.dataset.id);
      if (!a) return;
      this.selected = a.id;
      this.render(true);
      this.onShow(a);
    });
    this.render();
  }

  get size() { return this.alerts.size; }

  get(id) { return this.alerts.get(id) || null; }

  // replaceAll makes the panel exactly the active alerts of list (a snapshot).
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
    if (this.alerts.delete(id)) this.render();
  }

  // render redraws the list, now or (for bursts of live updates) within
  // 100 ms. Items whose content did not change keep their nodes, so that a
  // click is not lost to an update of another alert.
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
    for (const a of list.slice(0, MAX_SHOWN)) {
      const sig = this._sig(a);
      let d = this.nodes.get(a.id);
      if (!d || d.sig !== sig) d = { sig, node: this._item(a) };
      drawn.set(a.id, d);
      nodes.push(d.node);
    }
    this.nodes = drawn;
    if (list.length === 0) nodes.push(el('div', { class: 'empty' }, '暂无告警 No open alerts'));
    if (list.length > MAX_SHOWN) nodes.push(el('div', { class: 'empty' }, `另有 ${list.length - MAX_SHOWN} 条 ${list.length - MAX_SHOWN} more`));
    const cur = this.n.list.children;
    if (cur.length !== nodes.length || nodes.some((n, i) => cur[i] !== n)) this.n.list.replaceChildren(...nodes);
  }

  // _sig is what an item shows, to tell whether it must be redrawn.
  _sig(a) {
    const mmsi = Number.isInteger(a.mmsi) ? a.mmsi : 0;
    return [a.updated_at, a.state, a.severity, a.kind, a.message_zh, a.message_en, a.lat, a.lon,
      a.id === this.selected, mmsi ? this.names.vessel(mmsi) : '', a.zone_id ? this.names.zone(a.zone_id) : ''].join('\u0001');
  }

  _item(a) {
    const sev = SEVERITY[a.severity] ? a.severity : 'info';
    const mmsi = Number.isInteger(a.mmsi) && a.mmsi > 0 ? a.mmsi : null;
    const vessel = mmsi !== null ? this.names.vessel(mmsi) : '';
    const zone = typeof a.zone_id === 'string' && a.zone_id ? (this.names.zone(a.zone_id) || clip(a.zone_id, 64)) : '';
    const opened = parseTime(a.opened_at);
    const cls = ['alert', `sev-${sev}`];
    if (a.state === 'acknowledged') cls.push('acked');
    if (a.id === this.selected) cls.push('selected');
    const canShow = (isNum(a.lat) && isNum(a.lon)) || mmsi !== null;
    return el('div', { class: cls.join(' '), role: 'listitem', dataset: { id: a.id, severity: sev } },
      el('div', { class: 'alert-head' },
        el('span', { class: 'alert-sev' }, SEVERITY[sev].label),
        el('span', { class: 'alert-kind' }, ALERT_KIND[a.kind] || clip(a.kind, 32))),
      mmsi !== null ? el('div', { class: 'alert-vessel' },
        vessel && vessel !== `MMSI ${mmsi}` ? `${vessel} · MMSI ${mmsi}` : `MMSI ${mmsi}`) : null,
      zone ? el('div', { class: 'alert-zone' }, zone) : null,
      a.message_zh || a.message_en ? el('div', { class: 'alert-msg' },
        clip(a.message_zh, 120), a.message_zh && a.message_en ? ' ' : '',
        a.message_en ? el('span', { class: 'alert-msg-en' }, clip(a.message_en, 160)) : null) : null,
      el('div', { class: 'alert-foot' },
        el('time', { class: 'alert-time' }, opened ? `${dateTime(opened)} ${zoneLabel()}` : '—'),
        a.state === 'acknowledged' ? el('span', { class: 'alert-state' }, ALERT_STATE.acknowledged) : null,
        canShow ? el('button', { class: 'alert-show', type: 'button' }, '在地图上显示 Show on map') : null));
  }
}

// The side column's legend and the vessel list's filters (type, class,
// river, state, age).

import { el } from './dom.js';
import { position, parseTime } from './format.js';
import { CATEGORIES, category } from './labels.js';
import { stateOf } from './vesselcanvas.js';
import { L } from './i18n.js';

const $ = (id) => document.getElementById(id);

export function legend() {
  const box = $('legend');
  const item = (cls, text) => box.append(el('span', { class: `legend-item ${cls}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), text));
  for (const c of CATEGORIES) item(`cat-${c.key}`, c.label);
  item('moored', L('停泊 Moored'));
  item('stale', L('过时 Stale'));
  item('in-alert', L('告警中 In alert'));
  item('flagged', L('异常标记 Flagged'));
  for (const [kind, text] of [['rescue_station', '救助站 Rescue station'], ['quay', '码头 Quay'], ['ferry_crossing', '渡口 Ferry'], ['bridge', '桥梁 Bridge']]) {
    box.append(el('span', { class: `legend-item wp wp-${kind}` }, el('span', { class: 'legend-wp' }, el('span', { class: 'wp-mark', 'aria-hidden': 'true' })), L(text)));
  }
}

// filters builds the vessel list's predicate from the filter selects.
export function filters(fleet, rivers, onChange) {
  const type = $('f-type');
  for (const c of CATEGORIES) type.append(el('option', { value: c.key }, c.label));
  const sel = { type, cls: $('f-class'), river: $('f-river'), state: $('f-state'), age: $('f-age') };
  for (const s of Object.values(sel)) s.addEventListener('change', onChange);
  return {
    fillRivers() {
      const keep = sel.river.value;
      sel.river.replaceChildren(el('option', { value: '' }, L('全部水域 All waters')),
        ...rivers.list().map((r) => el('option', { value: r.key }, r.name)));
      sel.river.value = keep;
    },
    accept(v) {
      if (sel.type.value && category(v.ship_type) !== sel.type.value) return false;
      if (sel.cls.value && v.class !== sel.cls.value) return false;
      if (sel.river.value && (!position(v) || rivers.of(v.lat, v.lon) !== sel.river.value)) return false;
      if (sel.state.value && stateOf(v, fleet.alerting.has(v.mmsi)) !== sel.state.value) return false;
      if (sel.age.value) {
        const seen = parseTime(v.last_seen);
        if (!seen || Date.now() - seen.getTime() > Number(sel.age.value) * 1000) return false;
      }
      return true;
    },
  };
}

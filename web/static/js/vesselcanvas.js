// VesselCanvas draws every vessel on one canvas above the zones: an arrow
// along the heading (else the course), a dot without either, a square for
// a base station and a diamond for an AtoN, coloured by ship type and
// marked by state (under way, moored, stale, in alert). Thousands of DOM
// markers cost layout on every update; one canvas redrawn at most once per
// animation frame does not. At province scale nearby vessels are drawn as
// clusters with their count. Names are drawn with fillText, so a name is
// never markup.

import { category } from './labels.js';

const L = window.L;

export const CLUSTER_BELOW = 9; // zoom under which vessels are clustered
const CELL = 44; // px, cluster grid
const LABEL_FROM = 12; // zoom from which names are drawn
const MAX_LABELS = 400;
const HIT = 11; // px

// Colours by category and state; keep in step with board.css.
export const COLOURS = {
  passenger: '#2563eb', cargo: '#16a34a', tanker: '#ea580c', fishing: '#db2777',
  tug: '#0891b2', pleasure: '#9333ea', other: '#6b7280',
};
const STALE = '#a3aab4';
const ALERT = '#dc2626';

// stateOf is the state a vessel is drawn in: alert, stale, moored or
// underway.
export function stateOf(v, inAlert) {
  if (inAlert) return 'alert';
  if (v.stale) return 'stale';
  const sog = typeof v.sog === 'number' ? v.sog : null;
  if (v.nav_status === 1 || v.nav_status === 5 || (sog !== null && sog < 0.5)) return 'moored';
  return 'underway';
}

export const VesselCanvas = L.Layer.extend({
  // source: {each(fn(rec)), alerting(mmsi), selected, label(v)}, where rec
  // is {v, lat, lon, deg, shape} and the layer keeps its pixel position
  // on it (rec.x, rec.y, rec.vis).
  initialize(source, onSelect) {
    this.source = source;
    this.onSelect = onSelect;
    this.frame = 0;
    this.frames = 0;
    this.labels = [];
    this.clusters = [];
    this.drawnCount = 0;
    this.enabled = true;
  },

  onAdd(map) {
    this._map = map;
    const pane = map.getPane('vessels') || map.createPane('vessels');
    pane.style.zIndex = '610';
    pane.style.pointerEvents = 'none';
    this.canvas = L.DomUtil.create('canvas', 'vessel-canvas', pane);
    this.ctx = this.canvas.getContext('2d');
    this._resize();
    map.on('move', this.schedule, this);
    map.on('moveend zoomend viewreset', this._reset, this);
    map.on('resize', this._resize, this);
    map.on('zoomstart', this._hide, this);
    this._wire(map);
    this.schedule();
  },

  onRemove(map) {
    map.off('move', this.schedule, this);
    map.off('moveend zoomend viewreset', this._reset, this);
    map.off('resize', this._resize, this);
    map.off('zoomstart', this._hide, this);
    L.DomUtil.remove(this.canvas);
  },

  _hide() { this.canvas.style.visibility = 'hidden'; },

  _reset() {
    this.canvas.style.visibility = '';
    this.schedule();
  },

  _resize() {
    const size = this._map.getSize();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(size.x * dpr);
    this.canvas.height = Math.round(size.y * dpr);
    this.canvas.style.width = `${size.x}px`;
    this.canvas.style.height = `${size.y}px`;
    this.dpr = dpr;
    this.schedule();
  },

  // schedule asks for one redraw at the next animation frame, however many
  // updates arrive before it.
  schedule() {
    if (this.frame || !this._map) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  },

  draw() {
    const map = this._map;
    if (!map) return;
    const t0 = performance.now();
    this._draw(map);
    this.lastDrawMs = performance.now() - t0; // read by the benchmarks
  },

  _draw(map) {
    this.frames++;
    const size = map.getSize();
    // The canvas sits at the container's top-left whatever the pan.
    L.DomUtil.setPosition(this.canvas, map.containerPointToLayerPoint([0, 0]));
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    if (!this.enabled) { this.drawnCount = 0; this.labels = []; this.clusters = []; return; }
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    const pan = map._getMapPanePos();
    const cluster = zoom < CLUSTER_BELOW;
    const cells = cluster ? new Map() : null;
    const src = this.source;
    const pad = 20;
    let n = 0;
    let shown = 0;
    const visible = [];
    src.each((r) => {
      r.vis = false;
      r.clustered = false;
      if (r.lat === null) return;
      // The projection is kept per vessel until it moves or the zoom
      // changes, so a pan costs a subtraction per vessel.
      if (r.pz !== zoom || r.plat !== r.lat || r.plon !== r.lon) {
        const p = map.project([r.lat, r.lon], zoom);
        r.px = p.x; r.py = p.y; r.pz = zoom; r.plat = r.lat; r.plon = r.lon;
      }
      const x = r.px - origin.x + pan.x;
      const y = r.py - origin.y + pan.y;
      if (x < -pad || y < -pad || x > size.x + pad || y > size.y + pad) return;
      r.x = x; r.y = y; r.vis = true;
      shown++;
      r.state = stateOf(r.v, src.alerting(r.v.mmsi));
      if (cells && r.v.mmsi !== src.selected) {
        const key = `${Math.floor(x / CELL)},${Math.floor(y / CELL)}`;
        let c = cells.get(key);
        if (!c) { c = { n: 0, sx: 0, sy: 0, alert: 0, members: [] }; cells.set(key, c); }
        c.n++; c.sx += x; c.sy += y; c.members.push(r);
        if (r.state === 'alert') c.alert++;
        return;
      }
      visible.push(r);
    });
    this.clusters = [];
    if (cells) {
      for (const c of cells.values()) {
        if (c.n === 1) { visible.push(c.members[0]); continue; }
        for (const r of c.members) { r.vis = false; r.clustered = true; }
        const cl = { x: c.sx / c.n, y: c.sy / c.n, n: c.n, alert: c.alert };
        this.clusters.push(cl);
        this._cluster(ctx, cl);
      }
    }
    const labels = [];
    const withLabels = zoom >= LABEL_FROM || visible.length <= 60;
    // Vessels in alert and the selected one on top.
    visible.sort((a, b) => rankOf(a, src) - rankOf(b, src));
    for (const r of visible) {
      this._vessel(ctx, r, r.v.mmsi === src.selected);
      n++;
    }
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.globalAlpha = 1;
    if (withLabels) {
      ctx.font = '12px "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
      ctx.textBaseline = 'middle';
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.dark ? 'rgba(11,18,32,.9)' : 'rgba(255,255,255,.9)';
      ctx.fillStyle = this.dark ? '#e2e8f0' : '#1b2430';
      for (const r of visible) {
        if (labels.length >= MAX_LABELS) break;
        const t = src.label(r.v);
        ctx.strokeText(t, r.x + 10, r.y - 9);
        ctx.fillText(t, r.x + 10, r.y - 9);
        labels.push(t);
      }
    }
    this.labels = labels;
    this.drawnCount = n;
    this.shownCount = shown;
    const box = this._map.getContainer();
    box.dataset.vesselsDrawn = String(n); // each as its own symbol
    box.dataset.vesselsShown = String(shown); // in view, clustered or not
    box.dataset.clusters = String(this.clusters.length);
  },

  _cluster(ctx, c) {
    const r = Math.min(24, 10 + Math.sqrt(c.n) * 2.2);
    ctx.beginPath();
    ctx.arc(c.x, c.y, r, 0, Math.PI * 2);
    ctx.fillStyle = c.alert ? 'rgba(220,38,38,.85)' : 'rgba(11,92,171,.82)';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#fff';
    ctx.stroke();
    ctx.fillStyle = '#fff';
    ctx.font = 'bold 12px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(c.n), c.x, c.y);
    ctx.textAlign = 'start';
  },

  _vessel(ctx, r, selected) {
    const v = r.v;
    const dpr = this.dpr;
    const cat = category(v.ship_type);
    const fill = r.state === 'stale' ? STALE : COLOURS[cat] || COLOURS.other;
    const s = v.class === 'B' ? 0.8 : 1;
    const flagged = v.flags && v.flags.length > 0;
    // One transform per vessel, set outright: save/restore per vessel
    // costs more than drawing at 5,000 vessels.
    ctx.setTransform(dpr, 0, 0, dpr, r.x * dpr, r.y * dpr);
    ctx.globalAlpha = r.state === 'stale' ? 0.65 : 1;
    if (r.state === 'alert' || selected) {
      ctx.beginPath();
      ctx.arc(0, 0, 12, 0, Math.PI * 2);
      ctx.lineWidth = selected ? 3 : 2.5;
      ctx.strokeStyle = selected ? (this.dark ? '#fde047' : '#111827') : ALERT;
      ctx.stroke();
    }
    ctx.fillStyle = fill;
    ctx.strokeStyle = flagged ? ALERT : 'rgba(0,0,0,.55)';
    ctx.lineWidth = flagged ? 2 : 1;
    ctx.beginPath();
    switch (r.shape) {
      case 'arrow': {
        const t = r.deg * Math.PI / 180;
        const c = Math.cos(t) * s * dpr;
        const n = Math.sin(t) * s * dpr;
        ctx.setTransform(c, n, -n, c, r.x * dpr, r.y * dpr);
        ctx.lineWidth = (flagged ? 2 : 1) / s;
        ctx.moveTo(0, -10.5); ctx.lineTo(6.5, 8.5); ctx.lineTo(0, 4.5); ctx.lineTo(-6.5, 8.5); ctx.closePath();
        break;
      }
      case 'base':
        ctx.rect(-6, -6, 12, 12);
        break;
      case 'aton':
        ctx.moveTo(0, -8); ctx.lineTo(8, 0); ctx.lineTo(0, 8); ctx.lineTo(-8, 0); ctx.closePath();
        break;
      default:
        ctx.arc(0, 0, 5.5 * s, 0, Math.PI * 2);
    }
    ctx.fill();
    ctx.stroke();
    if (r.state === 'moored' && r.shape !== 'base' && r.shape !== 'aton') {
      // A moored or anchored vessel: a white dot in its middle.
      ctx.setTransform(dpr, 0, 0, dpr, r.x * dpr, r.y * dpr);
      ctx.beginPath();
      ctx.arc(0, 0, 2, 0, Math.PI * 2);
      ctx.fillStyle = '#fff';
      ctx.fill();
    }
  },

  // hit is the vessel drawn nearest to container point (x, y) within a few
  // pixels (its record), else a cluster there, else null.
  hit(x, y) {
    let best = null;
    let bd = HIT * HIT;
    this.source.each((r) => {
      if (!r.vis) return;
      const d = (r.x - x) ** 2 + (r.y - y) ** 2;
      if (d <= bd) { bd = d; best = r; }
    });
    if (best) return { vessel: best };
    for (const c of this.clusters) {
      if ((c.x - x) ** 2 + (c.y - y) ** 2 <= 24 * 24) return { cluster: c };
    }
    return null;
  },

  // info is what the layer drew for one vessel, for tests and the list:
  // {x, y, shape, rot, state, cat}, or null when not drawn.
  info(rec) {
    if (!rec || !rec.vis) return null; // not in view, or in a cluster
    return {
      x: rec.x, y: rec.y, shape: rec.shape, rot: rec.shape === 'arrow' ? Math.round(rec.deg) : 0,
      state: rec.state, cat: category(rec.v.ship_type), cls: rec.v.class,
      flagged: Array.isArray(rec.v.flags) && rec.v.flags.length > 0, clustered: !!rec.clustered,
    };
  },

  _wire(map) {
    const box = map.getContainer();
    let down = null;
    L.DomEvent.on(box, 'mousedown', (e) => { down = [e.clientX, e.clientY]; });
    L.DomEvent.on(box, 'click', (e) => {
      if (this.passive) return;
      if (down && Math.abs(down[0] - e.clientX) + Math.abs(down[1] - e.clientY) > 5) return;
      if (e.target.closest && e.target.closest('.leaflet-control')) return;
      const pt = map.mouseEventToContainerPoint(e);
      const h = this.hit(pt.x, pt.y);
      if (!h) return;
      if (h.vessel) this.onSelect(h.vessel.v.mmsi, false);
      else map.setView(map.containerPointToLatLng([h.cluster.x, h.cluster.y]), Math.min(map.getZoom() + 2, CLUSTER_BELOW));
    });
    this.tipText = document.createElement('span');
    this.tipText.className = 'tip-text';
    this.tip = L.tooltip({ direction: 'top', offset: [0, -10], className: 'vessel-tip' }).setContent(this.tipText);
    let pending = null;
    L.DomEvent.on(box, 'mousemove', (e) => {
      const first = pending === null;
      pending = e;
      if (!first) return;
      requestAnimationFrame(() => {
        const ev = pending;
        pending = null;
        this._hover(map, ev);
      });
    });
    L.DomEvent.on(box, 'mouseleave', () => this._unhover(map));
  },

  _hover(map, e) {
    const pt = map.mouseEventToContainerPoint(e);
    const h = this.passive ? null : this.hit(pt.x, pt.y);
    if (!h || !h.vessel) { this._unhover(map); return; }
    const r = h.vessel;
    this.hovered = r.v.mmsi;
    this.tipText.textContent = this.source.label(r.v);
    this.tip.setLatLng([r.lat, r.lon]);
    map.openTooltip(this.tip);
    map.getContainer().classList.add('over-vessel');
  },

  _unhover(map) {
    if (this.hovered === undefined || this.hovered === null) return;
    this.hovered = null;
    map.closeTooltip(this.tip);
    map.getContainer().classList.remove('over-vessel');
  },
});

function rankOf(r, src) {
  if (r.v.mmsi === src.selected) return 3;
  if (r.state === 'alert') return 2;
  return r.state === 'stale' ? 0 : 1;
}

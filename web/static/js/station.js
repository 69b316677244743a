// The rescue station's view: its own area (the river reaches it is nearest
// to, from GET /api/v1/rescue/stations) drawn over the map and framed, and
// a video wall of its cameras (GET /api/v1/cameras, played with WHEP by
// video/whep.js). Without cameras, or before the video module is
// installed, the wall says so.

import { el, clear } from './dom.js';
import { clip } from './format.js';
import { getJSON } from './api.js';
import { L } from './i18n.js';

const Lf = window.L;
const MAX_TILES = 9;

// loadStations returns the stations FeatureCollection's features, or [].
export async function loadStations() {
  try {
    const fc = await getJSON('/api/v1/rescue/stations');
    return Array.isArray(fc && fc.features) ? fc.features.slice(0, 200) : [];
  } catch (_) {
    return [];
  }
}

function propsOf(f) { return (f && f.properties) || {}; }

// stationOf is the id a station feature belongs to (Point or area).
function stationOf(f) {
  const p = propsOf(f);
  return clip(p.station || p.station_id || p.id, 64);
}

// drawArea draws the station's own area and point and frames them;
// returns true when found.
export function drawArea(map, features, station) {
  const mine = features.filter((f) => stationOf(f) === station || (propsOf(f).kind === 'area' && clip(propsOf(f).station, 64) === station));
  if (!mine.length) return false;
  const layer = Lf.geoJSON({ type: 'FeatureCollection', features: mine }, {
    style: () => ({ className: 'station-area', color: '#f59e0b', weight: 7, opacity: 0.7, interactive: false }),
    pointToLayer: (f, ll) => Lf.circleMarker(ll, { className: 'station-point', radius: 9, color: '#b45309', weight: 3, fillColor: '#fde68a', fillOpacity: 1, interactive: false }),
  }).addTo(map);
  const b = layer.getBounds();
  if (b.isValid()) map.fitBounds(b, { padding: [30, 30], animate: false });
  document.body.dataset.stationArea = String(mine.length);
  return true;
}

// stationTitle is the display name of a station id from the features.
export function stationTitle(features, station) {
  const f = features.find((x) => stationOf(x) === station && (x.geometry || {}).type === 'Point');
  const p = propsOf(f);
  return clip(p.name_zh, 40) && clip(p.name, 60) ? `${clip(p.name_zh, 40)} ${clip(p.name, 60)}` : clip(p.name_zh, 40) || clip(p.name, 60) || station;
}

// VideoWall shows the cameras the principal may see.
export class VideoWall {
  constructor(box) {
    this.box = box;
    this.sessions = [];
  }

  async load() {
    this.close();
    clear(this.box);
    let cams = [];
    try {
      const body = await getJSON('/api/v1/cameras');
      cams = Array.isArray(body && body.cameras) ? body.cameras.slice(0, MAX_TILES) : [];
    } catch (_) { cams = []; }
    if (!cams.length) {
      this.box.append(el('div', { class: 'video-empty' }, L('无摄像头 No cameras')));
      this.box.dataset.cameras = '0';
      return;
    }
    let play = null;
    try { ({ playWHEP: play } = await import('/video/whep.js')); } catch (_) { play = null; }
    for (const c of cams) {
      const id = clip(c.id, 64);
      const video = el('video', { class: 'video-tile-video', muted: true, autoplay: true, playsinline: true });
      video.muted = true;
      const state = el('span', { class: 'video-state' }, clip(c.state, 16));
      this.box.append(el('figure', { class: 'video-tile', dataset: { camera: id } }, video,
        el('figcaption', null, clip(c.name_zh, 40) || clip(c.name, 60) || id, ' ', state)));
      if (!play) { state.textContent = L('播放器不可用 Player unavailable'); continue; }
      const fps = Number.isFinite(c.fps) && c.fps > 0 && c.fps < 1000 ? c.fps : 0;
      play(video, `/api/v1/cameras/${encodeURIComponent(id)}/whep`, { fps, onState: (s) => { state.textContent = clip(s, 24); } })
        .then((s) => this.sessions.push(s), () => { state.textContent = L('无法播放 Cannot play'); });
    }
    this.box.dataset.cameras = String(cams.length);
  }

  close() {
    for (const s of this.sessions) { try { s.close(); } catch (_) { /* gone */ } }
    this.sessions = [];
  }
}

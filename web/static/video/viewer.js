// Camera viewer page: video/index.html?camera=ID plays one camera by WHEP,
// shows the player's state, the time to the first frame and the decoder's
// counters, and the camera's own state from the API. A session that fails
// is opened again with a stepped backoff; a camera that drops and comes
// back resumes in the same session (the server swaps the upstream in).
//
// State for tests and the video wall is also kept in data attributes of
// the <video>: data-state, data-first-frame-ms, data-since-offer-ms,
// data-frames-decoded, data-key-frames-decoded, data-pli-count,
// data-fir-count, data-freeze-count (the receiver's counters),
// data-session, data-sessions (how many WHEP sessions this page opened).

import { playWHEP, STATE_TEXT, errorText } from './whep.js';

const $ = (id) => document.getElementById(id);
const MAX_ID = 128; // camera ids are short; anything longer is refused here
const MAX_TEXT = 80; // camera names and errors shown, in code points
const RETRY_MS = [1000, 2000, 5000, 10000, 30000];
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
const CAMERA_STATE = {
  online: '在线 Online', offline: '离线 Offline', connecting: '连接中 Connecting', idle: '空闲 Idle',
};
const RETRYING = { retrying: '等待重试 Waiting to retry' };
const cst = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', hour12: false,
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

function clip(s, n = MAX_TEXT) {
  if (typeof s !== 'string') return '';
  const cps = Array.from(s.replace(CONTROL, '').trim());
  return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : cps.join('');
}

function text(id, s) {
  const node = $(id);
  if (node.textContent !== s) node.textContent = s;
}

function showError(s) {
  const e = $('error');
  e.textContent = s;
  e.hidden = !s;
}

function showState(s, extra = '') {
  const node = $('state');
  node.className = `state state-${s}`;
  node.dataset.state = s;
  node.textContent = (STATE_TEXT[s] || RETRYING[s] || s) + extra;
  $('video').dataset.state = s;
}

const video = $('video');
const id = new URLSearchParams(location.search).get('camera') || '';
const base = `/api/v1/cameras/${encodeURIComponent(id)}`;
let sessions = 0;
let cameraFPS = 0; // from the camera's record, for the player's catch-up still
let player = null;

// camera reads the camera's record for its names and state (text only).
async function camera() {
  try {
    const res = await fetch(base, { headers: { Accept: 'application/json' } });
    if (!res.ok) {
      text('cam-state', res.status === 404 ? '不存在 Not found' : `HTTP ${res.status}`);
      return;
    }
    const c = await res.json();
    const zh = clip(c.name_zh) || clip(c.name) || id;
    text('name-zh', zh);
    text('name-en', clip(c.name) && clip(c.name) !== zh ? clip(c.name) : '');
    document.title = `${zh} · 摄像头 Camera`;
    const meta = [clip(c.river, 40), clip(c.codec, 16)];
    if (c.width > 0 && c.height > 0) meta.push(`${c.width}×${c.height}`);
    if (c.fps > 0) meta.push(`${Math.round(c.fps)} fps`);
    if (c.fps > 0 && c.fps < 1000) cameraFPS = c.fps;
    if (c.keyframe_interval_s > 0) meta.push(`关键帧间隔 GOP ${c.keyframe_interval_s.toFixed(1)} s`);
    text('meta', meta.filter(Boolean).join(' · ') || '—');
    let st = CAMERA_STATE[c.state] || clip(c.state, 16) || '—';
    if (c.state === 'offline' && c.last_error) st += `: ${clip(c.last_error)}`;
    text('cam-state', st);
  } catch (_) {
    text('cam-state', '无法读取 Unavailable');
  }
}

// stats reads the receiver's counters once a second.
let lastBytes = 0;
let lastAt = 0;
async function stats() {
  if (!player) return;
  try {
    const report = await player.pc.getStats();
    report.forEach((r) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
      const frames = r.framesDecoded || 0;
      video.dataset.framesDecoded = String(frames);
      // What a broken picture shows as: the decoder asking for a keyframe.
      video.dataset.keyFramesDecoded = String(r.keyFramesDecoded || 0);
      video.dataset.pliCount = String(r.pliCount || 0);
      video.dataset.firCount = String(r.firCount || 0);
      video.dataset.freezeCount = String(r.freezeCount || 0);
      text('frames', String(frames));
      if (lastAt && r.timestamp > lastAt) {
        const kbps = ((r.bytesReceived - lastBytes) * 8) / (r.timestamp - lastAt);
        text('bitrate', `${Math.max(0, Math.round(kbps))} kbit/s`);
      }
      lastBytes = r.bytesReceived;
      lastAt = r.timestamp;
    });
  } catch (_) { /* closed under us: the next play() restarts the counters */ }
}

async function play(attempt = 0) {
  showError('');
  sessions++;
  video.dataset.sessions = String(sessions);
  lastBytes = 0;
  lastAt = 0;
  let retried = false;
  let established = false; // failures before the answer are the catch's
  const retry = (why) => {
    if (retried) return;
    retried = true;
    if (player) player.close();
    player = null;
    const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
    showError(`${why} · ${Math.round(wait / 1000)} 秒后重试 retrying in ${Math.round(wait / 1000)} s`);
    showState('retrying');
    setTimeout(() => play(attempt + 1), wait);
  };
  try {
    player = await playWHEP(video, `${base}/whep`, {
      fps: () => cameraFPS,
      onState: (s, info) => {
        if (s === 'playing' && info.firstFrameMs !== undefined) {
          video.dataset.firstFrameMs = String(info.firstFrameMs);
          if (info.sinceOfferMs !== undefined) video.dataset.sinceOfferMs = String(info.sinceOfferMs);
          text('first-frame', `${info.firstFrameMs} ms`);
        }
        if (s === 'failed' && established) {
          retry(STATE_TEXT.failed);
          return;
        }
        if (s === 'playing') {
          attempt = 0;
          showError('');
        }
        showState(s);
      },
    });
    established = true;
    video.dataset.session = player.sessionURL;
  } catch (e) {
    const msg = errorText(e);
    // A camera that does not exist or may not be watched will not change
    // by asking again.
    if (e && (e.status === 404 || e.status === 401 || e.status === 403 || e.status === 400)) {
      showState('failed');
      showError(msg);
      return;
    }
    retry(msg);
  }
}

function start() {
  text('started', cst.format(new Date()));
  $('sound').addEventListener('click', () => {
    video.muted = !video.muted;
    text('sound', video.muted ? '开声音 Sound on' : '静音 Mute');
  });
  if (!id || id.length > MAX_ID) {
    showState('failed');
    showError('缺少或无效的摄像头编号 Missing or invalid camera id: video/index.html?camera=ID');
    return;
  }
  camera();
  setInterval(camera, 5000);
  setInterval(stats, 1000);
  window.addEventListener('pagehide', () => { if (player) player.close(); });
  play();
}

start();

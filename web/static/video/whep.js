// A plain WHEP player (RFC 9725): one receive-only RTCPeerConnection per
// camera, the offer POSTed as application/sdp, the answer taken from the
// 201 response and the session URL from its Location header. Candidates
// found after the offer left (slow STUN or TURN) are trickled by PATCH with
// application/trickle-ice-sdpfrag; close() DELETEs the session.
//
// Used by the viewer page (video/index.html) and by the board's video wall.
// Nothing here writes markup: the caller shows states and errors as text.

// Gathering is awaited at most this long before the offer goes out, and
// only HOST_SETTLE_MS after the first host candidate: the other host
// candidates come within it, and what STUN and TURN find later is trickled
// (PATCH) instead of holding the offer back.
const GATHER_WAIT_MS = 1000;
const HOST_SETTLE_MS = 30;
// Bound on the error text taken from a server response.
const MAX_ERROR_TEXT = 200;
// A picture that has not moved for this long is reported "stalled".
const STALL_MS = 2000;

// WHEPError is a failed WHEP exchange: status is the HTTP status (0 for a
// network error), message the server's {"error": ...} text when it gave one.
export class WHEPError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'WHEPError';
    this.status = status;
  }
}

// stateText gives the Chinese and English words for a player state.
export const STATE_TEXT = {
  connecting: '连接中 Connecting',
  connected: '已连接，等待画面 Connected, waiting for picture',
  playing: '播放中 Playing',
  stalled: '画面中断 Picture stalled',
  disconnected: '网络中断，重连中 Network interrupted, reconnecting',
  failed: '连接失败 Connection failed',
  closed: '已关闭 Closed',
};

// errorText turns an error from playWHEP into one line for the page.
export function errorText(err) {
  if (err instanceof WHEPError) {
    switch (err.status) {
      case 0: return `无法连接服务器 Server unreachable: ${err.message}`;
      case 400: return `请求无效 Bad request: ${err.message}`;
      case 401: case 403: return '无权观看此摄像头 Not allowed to watch this camera';
      case 404: return '摄像头不存在 Camera not found';
      case 503: return `摄像头暂不可用 Camera unavailable: ${err.message}`;
      default: return `错误 Error (HTTP ${err.status}): ${err.message}`;
    }
  }
  return `错误 Error: ${String(err && err.message || err).slice(0, MAX_ERROR_TEXT)}`;
}

async function responseError(res) {
  let msg = res.statusText || '';
  try {
    const text = (await res.text()).slice(0, 4096);
    try {
      const j = JSON.parse(text);
      if (j && typeof j.error === 'string') msg = j.error;
    } catch (_) {
      if (text) msg = text;
    }
  } catch (_) { /* body unreadable: keep the status text */ }
  return new WHEPError(res.status, msg.slice(0, MAX_ERROR_TEXT));
}

function gathered(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let settle = null;
    const finish = () => {
      pc.removeEventListener('icegatheringstatechange', onState);
      pc.removeEventListener('icecandidate', onCandidate);
      clearTimeout(timer);
      clearTimeout(settle);
      resolve();
    };
    const onState = () => { if (pc.iceGatheringState === 'complete') finish(); };
    const onCandidate = (e) => {
      if (!settle && e.candidate && e.candidate.type === 'host') settle = setTimeout(finish, HOST_SETTLE_MS);
    };
    const timer = setTimeout(finish, ms);
    pc.addEventListener('icegatheringstatechange', onState);
    pc.addEventListener('icecandidate', onCandidate);
  });
}

// ICE servers the server announced (RFC 9725 4.4: Link headers with
// rel="ice-server" on OPTIONS), kept a few minutes per URL: TURN
// credentials made from a shared secret expire.
const ICE_CACHE_MS = 5 * 60 * 1000;
const iceCache = new Map();

// parseICELinks reads ICE servers from a Link header value.
export function parseICELinks(header) {
  const out = [];
  if (!header) return out;
  const link = /<([^>]*)>((?:\s*;\s*[A-Za-z-]+(?:=(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)/g;
  const param = /;\s*([A-Za-z-]+)(?:=("(?:[^"\\]|\\.)*"|[^;,]*))?/g;
  for (const m of header.matchAll(link)) {
    const p = {};
    for (const q of m[2].matchAll(param)) {
      let v = (q[2] || '').trim();
      if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
      p[q[1].toLowerCase()] = v;
    }
    if (p.rel !== 'ice-server' || !/^(stun|stuns|turn|turns):/.test(m[1])) continue;
    const server = { urls: m[1] };
    if (p.username) server.username = p.username;
    if (p.credential) server.credential = p.credential;
    out.push(server);
  }
  return out;
}

// withCSRF adds the double-submit CSRF header the API asks of
// cookie-authenticated changes: the value of the readable rw_csrf cookie.
// A player on another origin, with a bearer token instead, has no cookie
// and sends none.
function withCSRF(headers) {
  const m = document.cookie.match(/(?:^|;\s*)rw_csrf=([^;]*)/);
  if (m) headers['X-CSRF-Token'] = decodeURIComponent(m[1]);
  return headers;
}

// announcedICEServers asks the WHEP endpoint for its ICE servers; none on
// any failure (the offer then carries host candidates only).
async function announcedICEServers(whepURL) {
  const hit = iceCache.get(whepURL);
  if (hit && performance.now() - hit.at < ICE_CACHE_MS) return hit.servers;
  let servers = [];
  try {
    const res = await fetch(whepURL, { method: 'OPTIONS' });
    if (res.ok) servers = parseICELinks(res.headers.get('Link'));
  } catch (_) { /* no announcement: host candidates only */ }
  iceCache.set(whepURL, { at: performance.now(), servers });
  return servers;
}

// sdpFrag is the trickle-ice-sdpfrag body (RFC 8840) for one candidate,
// or for end-of-candidates when cand is null.
function sdpFrag(offerSDP, cand) {
  const ufrag = /^a=ice-ufrag:(.*)$/m.exec(offerSDP);
  const pwd = /^a=ice-pwd:(.*)$/m.exec(offerSDP);
  const mid = /^a=mid:(.*)$/m.exec(offerSDP);
  let s = '';
  if (ufrag) s += `a=ice-ufrag:${ufrag[1].trim()}\r\n`;
  if (pwd) s += `a=ice-pwd:${pwd[1].trim()}\r\n`;
  s += 'm=video 9 UDP/TLS/RTP/SAVPF 0\r\n';
  if (mid) s += `a=mid:${mid[1].trim()}\r\n`;
  s += cand ? `a=${cand.candidate}\r\n` : 'a=end-of-candidates\r\n';
  return s;
}

// A viewer that joins between two keyframes is sent the camera's frames
// since the last one, faster than real time, so that it has a whole
// picture at once; the browser plays that catch-up back fast. holdStill
// shows the first picture as a still over the video until the catch-up is
// over, then the live video: the viewer sees the first picture, then the
// live one, never the fast-forward. riverwatch's relay marks the catch-up,
// and says so in a header of its answer (CATCHUP_MARK): its frames' RTP
// timestamps are odd, live ones even (video/viewer.go, catchupMark).
// From another server, or where the browser does not give the timestamp, the
// catch-up is over when the decoder takes frames no faster than the camera
// makes them (fps, or a rate no camera of a quay sends when it is not
// known). Never longer than STILL_MAX_MS. The still's time shows in
// data-still-ms.
const STILL_MAX_MS = 5000;
const CATCHUP_MARK = ['Riverwatch-Catchup-Mark', 'rtp-timestamp-odd'];
const STILL_POLL_MS = 100;
const STILL_WINDOW_MS = 300;

// stillOver lays a canvas with the video's current picture exactly over
// it (CSSOM, which the page's CSP allows); null when there is none yet.
function stillOver(videoEl) {
  const w = videoEl.videoWidth;
  const h = videoEl.videoHeight;
  const parent = videoEl.parentElement;
  if (!w || !h || !parent) return null;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.className = 'whep-still';
  try { canvas.getContext('2d').drawImage(videoEl, 0, 0, w, h); } catch (_) { return null; }
  if (getComputedStyle(parent).position === 'static') parent.style.position = 'relative';
  const box = videoEl.getBoundingClientRect();
  const pbox = parent.getBoundingClientRect();
  Object.assign(canvas.style, {
    position: 'absolute', left: `${box.left - pbox.left}px`, top: `${box.top - pbox.top}px`,
    width: `${box.width}px`, height: `${box.height}px`, objectFit: getComputedStyle(videoEl).objectFit || 'contain',
    pointerEvents: 'none', background: '#000',
  });
  videoEl.after(canvas);
  return canvas;
}

// holdStill starts at the first frame (metadata its rVFC metadata) and
// returns { release } to stop it. With the relay's marks it holds a still
// whenever a catch-up is shown: at the start, and again when the relay
// resends the group because the browser lost its picture; data-stills
// counts the holds and data-still-ms is the first one's length.
function holdStill(videoEl, pc, fps, metadata, marked) {
  let canvas = null;
  let heldAt = 0;
  let holds = 0;
  let stopped = false;
  let timer = 0;
  const show = () => {
    if (canvas) return;
    canvas = stillOver(videoEl);
    if (!canvas) return;
    heldAt = performance.now();
    videoEl.dataset.stills = String(++holds);
  };
  const hide = () => {
    if (!canvas) return;
    canvas.remove();
    canvas = null;
    if (holds === 1) videoEl.dataset.stillMs = String(Math.round(performance.now() - heldAt));
  };
  const release = () => {
    stopped = true;
    clearInterval(timer);
    hide();
  };
  if (marked && metadata && metadata.rtpTimestamp !== undefined) {
    // A catch-up held past STILL_MAX_MS is shown as it is until the next
    // live frame, rather than held again at once.
    let gaveUp = false;
    const giveUp = () => { if (canvas && performance.now() - heldAt > STILL_MAX_MS) { hide(); gaveUp = true; } };
    const onFrame = (now, md) => {
      if (stopped) return;
      if ((md.rtpTimestamp & 1) === 0) {
        hide();
        gaveUp = false;
      } else if (!canvas && !gaveUp) {
        show();
      }
      giveUp();
      videoEl.requestVideoFrameCallback(onFrame);
    };
    if ((metadata.rtpTimestamp & 1) === 1) show();
    videoEl.requestVideoFrameCallback(onFrame);
    timer = setInterval(giveUp, 500);
    return { release };
  }
  show();
  if (!canvas) return null;
  const limit = fps > 0 ? Math.max(1.6 * fps, fps + 10) : 45;
  const samples = [];
  timer = setInterval(async () => {
    const now = performance.now();
    if (now - heldAt > STILL_MAX_MS) { release(); return; }
    let decoded = -1;
    try {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') decoded = r.framesDecoded || 0;
      });
    } catch (_) { release(); return; }
    if (decoded < 0) return;
    samples.push([now, decoded]);
    while (samples.length > 1 && now - samples[1][0] >= STILL_WINDOW_MS) samples.shift();
    const [t, n] = samples[0];
    if (now - t >= STILL_WINDOW_MS && ((decoded - n) * 1000) / (now - t) <= limit) release();
  }, STILL_POLL_MS);
  return { release };
}

// playWHEP plays the camera at whepURL in videoEl. iceServers, when not
// given, are the ones the endpoint announces on OPTIONS (STUN, and TURN
// with credentials, for viewers behind NAT or on mobile networks). onState(state, info) is
// called with a key of STATE_TEXT; "playing" comes first with
// info.firstFrameMs, the time from playWHEP's call to the first frame the
// browser decoded and presented, and info.sinceOfferMs, from the POST of
// the offer (after ICE gathering) to that frame. fps, the camera's frame
// rate where known (a number, or a function read at the first frame),
// tells the catch-up from the live picture (holdStill). It resolves once the answer is set
// and rejects with a WHEPError when the server refuses. close() ends the
// session (DELETE) and stops the picture.
export async function playWHEP(videoEl, whepURL, { onState = () => {}, iceServers, fps = 0 } = {}) {
  const t0 = performance.now();
  let tOffer = 0; // when the offer was POSTed
  let closed = false;
  let state = '';
  const setState = (s, info = {}) => {
    if (closed || s === state) return;
    state = s;
    try { onState(s, info); } catch (e) { console.warn('whep onState', e); }
  };
  setState('connecting');

  if (!Array.isArray(iceServers)) iceServers = await announcedICEServers(whepURL);
  const pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.addEventListener('track', (e) => {
    stream.addTrack(e.track);
  });
  videoEl.muted = true; // autoplay without a click; the page may unmute
  videoEl.playsInline = true;
  videoEl.srcObject = stream;

  // Frames are followed with requestVideoFrameCallback where the browser
  // has it (every presented frame), else with timeupdate: the first one
  // gives firstFrameMs, a gap of STALL_MS turns the state to "stalled".
  let firstFrame = false;
  let lastFrame = 0;
  const onFrame = (_, metadata) => {
    if (closed) return;
    lastFrame = performance.now();
    if (!firstFrame) {
      firstFrame = true;
      if (hasRVFC) still = holdStill(videoEl, pc, typeof fps === 'function' ? fps() : fps, metadata, marked);
      setState('playing', {
        firstFrameMs: Math.round(lastFrame - t0),
        sinceOfferMs: tOffer ? Math.round(lastFrame - tOffer) : undefined,
      });
    } else if (state === 'stalled') {
      setState('playing');
    }
    if (hasRVFC) videoEl.requestVideoFrameCallback(onFrame);
  };
  const hasRVFC = 'requestVideoFrameCallback' in videoEl;
  if (hasRVFC) videoEl.requestVideoFrameCallback(onFrame);
  else videoEl.addEventListener('timeupdate', onFrame);
  let still = null;
  let marked = false; // the answer says the catch-up is marked
  const watchdog = setInterval(() => {
    if (state === 'playing' && performance.now() - lastFrame > STALL_MS) setState('stalled');
  }, 250);

  pc.addEventListener('connectionstatechange', () => {
    switch (pc.connectionState) {
      case 'connected': if (!firstFrame) setState('connected'); else setState('playing'); break;
      case 'disconnected': setState('disconnected'); break;
      case 'failed': setState('failed'); break;
    }
  });

  let sessionURL = '';
  const late = [];
  let offerSDP = '';
  const patch = (cand) => {
    if (!sessionURL || closed) return;
    fetch(sessionURL, {
      method: 'PATCH',
      headers: withCSRF({ 'Content-Type': 'application/trickle-ice-sdpfrag' }),
      body: sdpFrag(offerSDP, cand),
    }).catch(() => { /* trickle is best effort; the offer had what was gathered */ });
  };
  // teardown ends everything; close() is teardown announced as "closed".
  const teardown = () => {
    if (closed) return false;
    closed = true;
    clearInterval(watchdog);
    if (still) still.release();
    pc.close();
    videoEl.srcObject = null;
    if (sessionURL) {
      fetch(sessionURL, { method: 'DELETE', keepalive: true, headers: withCSRF({}) }).catch(() => {});
    }
    return true;
  };
  const close = () => {
    if (teardown()) { state = 'closed'; try { onState('closed', {}); } catch (_) { /* caller's */ } }
  };

  try {
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, GATHER_WAIT_MS);
    offerSDP = pc.localDescription.sdp;
    pc.addEventListener('icecandidate', (e) => {
      if (sessionURL) patch(e.candidate); else late.push(e.candidate);
    });
    let res;
    tOffer = performance.now();
    try {
      res = await fetch(whepURL, {
        method: 'POST',
        headers: withCSRF({ 'Content-Type': 'application/sdp', Accept: 'application/sdp' }),
        body: offerSDP,
      });
    } catch (e) {
      throw new WHEPError(0, String(e && e.message || e));
    }
    if (res.status !== 201) throw await responseError(res);
    marked = res.headers.get(CATCHUP_MARK[0]) === CATCHUP_MARK[1];
    const loc = res.headers.get('Location');
    if (loc) sessionURL = new URL(loc, new URL(whepURL, location.href)).href;
    const answer = await res.text();
    if (closed) throw new Error('closed while connecting');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    late.forEach(patch);
    late.length = 0;
  } catch (e) {
    if (!closed) setState('failed');
    teardown();
    throw e;
  }

  return { pc, stream, close, get sessionURL() { return sessionURL; } };
}

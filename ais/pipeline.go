package ais

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// PipelineConfig configures a Pipeline. The zero value is usable: no
// de-duplication, the default fragment timeout, the wall clock, no handlers
// and no logging.
type PipelineConfig struct {
	// DedupWindow is how long a payload heard once is dropped when heard
	// again, from any source; 0 disables de-duplication (decoding a file).
	// DefaultDedupWindow suits live feeds.
	DedupWindow time.Duration
	// FragmentTimeout is how long fragments wait for their siblings;
	// DefaultFragmentTimeout when 0.
	FragmentTimeout time.Duration
	// Now is the wall clock; time.Now when nil.
	Now func() time.Time
	// OnMessage receives each decoded, de-duplicated message, synchronously
	// from Feed (under the source's lock: it must not Feed the same source).
	// The Message and what it points to are valid only during the call (the
	// pipeline reuses them, which keeps the ingest path nearly free of
	// allocation): copy what you keep, or keep m.Clone().
	OnMessage func(*Message)
	// OnBatch, when set, receives the messages of each FeedBatch call
	// together, in order, once all its lines are decoded, so that the
	// receiver can ask ahead for what it keeps of the vessels to come (see
	// vessels.Tracker.HandleBatch). A Feed call's message comes alone, to
	// OnBatch when OnMessage is nil. Under the same rules as OnMessage: the
	// messages are valid only during the call.
	OnBatch func([]*Message)
	// OnSentences receives the accepted NMEA sentences (without tag block)
	// of each passed-on message, for re-serving; called just before
	// OnMessage. The slices are valid only during the call.
	OnSentences func(sentences [][]byte)
	// Logger gets a summary of rejects once per interval, never per line;
	// the Pipeline tags it with component=ais.pipeline.
	Logger *slog.Logger
}

// MaxBatch is the most messages FeedBatch hands on together: enough
// reports ahead for their vessels' records to load while the earlier ones
// are handled, few enough that the messages stay in the cache.
const MaxBatch = 16

// Summary and expiry intervals of Run.
const (
	summaryInterval = 10 * time.Second
	expireInterval  = time.Second
	maxStations     = 256 // interned station names per source
)

// Pipeline is the one entry point every source feeds: it frames lines,
// joins fragments per source, drops messages another receiver delivered
// first, decodes, counts everything by source and reason, and hands each
// message on. Feed is safe for concurrent use by many sources.
type Pipeline struct {
	cfg   PipelineConfig
	now   func() time.Time
	log   *slog.Logger
	dedup *deduper // nil when disabled

	mu      sync.RWMutex
	sources map[string]*source
	// last is the source fed last: a feed of one busy source finds it
	// without the map and its lock. Sources are never removed.
	last atomic.Pointer[source]
}

// source is the state of one input.
type source struct {
	name string

	// Counters are atomics so Stats never waits on ingest.
	lines, sentences, messages, dups atomic.Uint64
	rejected                         [NumReasons]atomic.Uint64
	lastLine                         atomic.Int64 // unix ns, 0 never

	mu  sync.Mutex // guards the ingest state below
	asm *assembler
	dec *Decoder
	msg Message // reused for every message of this source; guarded by mu
	// batch holds the messages of a FeedBatch call until it hands them
	// on; batching is set during the call. Guarded by mu.
	batch    *[MaxBatch]Message
	ready    []*Message
	batching bool
	one      [1]*Message // a Feed's message, for OnBatch
	stations map[string]string
	raw1     [1][]byte

	info        sync.Mutex // guards the descriptive fields below
	kind, addr  string
	connected   bool
	lastErr     string
	lastReject  [maxSample]byte
	lastRejectN int
	logged      [NumReasons]uint64 // rejects counted in the last summary
}

// NewPipeline returns a Pipeline configured by cfg.
func NewPipeline(cfg PipelineConfig) *Pipeline {
	p := &Pipeline{cfg: cfg, now: cfg.Now, log: cfg.Logger, sources: make(map[string]*source)}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.log = p.log.With("component", "ais.pipeline")
	if p.cfg.FragmentTimeout <= 0 {
		p.cfg.FragmentTimeout = DefaultFragmentTimeout
	}
	if cfg.DedupWindow > 0 {
		p.dedup = newDeduper(cfg.DedupWindow, DefaultDedupEntries)
	}
	return p
}

// AddSource registers a source for the statistics, so it is listed before
// its first line. Registering again updates kind and address.
func (p *Pipeline) AddSource(name, kind, address string) {
	src := p.source(name)
	src.info.Lock()
	src.kind, src.addr = kind, address
	src.info.Unlock()
}

func (p *Pipeline) source(name string) *source {
	if src := p.last.Load(); src != nil && src.name == name {
		return src
	}
	p.mu.RLock()
	src := p.sources[name]
	p.mu.RUnlock()
	if src != nil {
		p.last.Store(src)
		return src
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if src = p.sources[name]; src == nil {
		src = &source{
			name:     name,
			asm:      newAssembler(p.cfg.FragmentTimeout, MaxPartials),
			dec:      NewDecoder(),
			stations: make(map[string]string),
		}
		p.sources[name] = src
	}
	return src
}

// Feed takes one line from a source. Blank and comment lines are skipped;
// bad ones are counted by reason; complete, first-heard messages are
// decoded and handed to OnSentences and OnMessage (or OnBatch).
//
// A message's Received is its tag block c: time, else the timestamp in
// front of the line, else l.Received, else Now. Its Station is the tag
// block s:, else the source name.
func (p *Pipeline) Feed(l Line) {
	src := p.source(l.Source)
	s, at, ok := p.parse(src, l)
	if !ok {
		return
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	p.take(src, &s, at)
}

// FeedBatch is Feed of lines a source read together (a buffer of a TCP
// stream, the sentences of one datagram): with OnBatch set their messages
// are handed on together, by source, once all are decoded; with only
// OnMessage, one by one as Feed does.
func (p *Pipeline) FeedBatch(lines []Line) {
	if p.cfg.OnBatch == nil {
		for _, l := range lines {
			p.Feed(l)
		}
		return
	}
	for len(lines) > 0 {
		n := 1
		for n < len(lines) && lines[n].Source == lines[0].Source {
			n++
		}
		p.feedRun(p.source(lines[0].Source), lines[:n])
		lines = lines[n:]
	}
}

// feedRun feeds lines of one source under its lock, handing their
// messages on together (MaxBatch at a time).
func (p *Pipeline) feedRun(src *source, lines []Line) {
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.batch == nil {
		src.batch = new([MaxBatch]Message)
	}
	src.batching = true
	defer func() { src.batching = false }()
	for _, l := range lines {
		if s, at, ok := p.parse(src, l); ok {
			p.take(src, &s, at)
		}
	}
	p.flush(src)
}

// flush hands the batch's messages on. src.mu is held.
func (p *Pipeline) flush(src *source) {
	if len(src.ready) == 0 {
		return
	}
	p.cfg.OnBatch(src.ready)
	clear(src.ready) // keep no message alive through the pointers
	src.ready = src.ready[:0]
}

// parse counts a line and parses its sentence; a line that is none is
// counted as rejected (or skipped, when blank) and ok is false.
func (p *Pipeline) parse(src *source, l Line) (s Sentence, at time.Time, ok bool) {
	src.lines.Add(1)
	at = l.Received
	if at.IsZero() {
		at = p.now()
	}
	src.lastLine.Store(at.UnixNano())

	s, err := ParseSentence(l.Data)
	if err != nil {
		if !errors.Is(err, ErrNoSentence) {
			p.reject(src, ReasonOf(err), l.Data)
		}
		return s, at, false
	}
	src.sentences.Add(1)
	if !s.Received.IsZero() {
		at = s.Received
	}
	return s, at, true
}

// take joins a sentence with its fragments and passes on the complete
// message. src.mu is held.
func (p *Pipeline) take(src *source, s *Sentence, at time.Time) {
	var a assembled
	if s.Count == 1 {
		src.raw1[0] = s.Raw
		a = assembled{payload: s.Payload, fill: s.FillBits, raws: src.raw1[:],
			station: s.Tag.Source, tagTime: s.Tag.Time, at: at, own: s.Own, channel: s.Channel}
	} else {
		var ok bool
		var orphans int
		var err error
		a, ok, orphans, err = src.asm.add(s, at, p.now().UnixNano())
		if orphans > 0 {
			src.rejected[ReasonOrphan].Add(uint64(orphans))
			p.sample(src, src.asm.orphanSample)
		}
		if err != nil {
			p.reject(src, ReasonOf(err), s.Raw)
			return
		}
		if !ok {
			return
		}
	}
	p.pass(src, &a)
}

// pass de-duplicates, decodes and hands on one complete message.
// src.mu is held.
func (p *Pipeline) pass(src *source, a *assembled) {
	received := a.tagTime
	if received.IsZero() {
		received = a.at
	}
	if p.dedup != nil && p.dedup.duplicate(a.payload, a.fill, received) {
		src.dups.Add(1)
		return
	}
	m := &src.msg
	if src.batching {
		m = &src.batch[len(src.ready)]
	}
	*m = Message{
		Source:   src.name,
		Station:  src.station(a.station),
		Received: received,
		Channel:  channelOf(a.channel),
		Own:      a.own,
	}
	if err := src.dec.Decode(a.payload, a.fill, m); err != nil {
		p.reject(src, ReasonOf(err), a.raws[0])
		return
	}
	src.messages.Add(1)
	if p.cfg.OnSentences != nil {
		p.cfg.OnSentences(a.raws)
	}
	switch {
	case src.batching:
		if src.ready = append(src.ready, m); len(src.ready) == MaxBatch {
			p.flush(src)
		}
	case p.cfg.OnMessage != nil:
		p.cfg.OnMessage(m)
	case p.cfg.OnBatch != nil:
		src.one[0] = m
		p.cfg.OnBatch(src.one[:])
		src.one[0] = nil
	}
}

// station returns the interned name of a tag block station, or the source
// name when there is none. src.mu is held.
func (src *source) station(b []byte) string {
	if len(b) == 0 {
		return src.name
	}
	if s, ok := src.stations[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(src.stations) < maxStations {
		src.stations[s] = s
	}
	return s
}

func channelOf(c byte) byte {
	switch c {
	case 'A', '1':
		return 'A'
	case 'B', '2':
		return 'B'
	}
	return 0
}

// Reject counts a line a source could not even frame (too long for its
// buffer, say) under reason r, keeping a truncated sample for diagnosis.
func (p *Pipeline) Reject(source string, r Reason, sample []byte) {
	if r >= NumReasons {
		r = ReasonMalformed
	}
	src := p.source(source)
	src.lines.Add(1)
	src.lastLine.Store(p.now().UnixNano())
	p.reject(src, r, sample)
}

func (p *Pipeline) reject(src *source, r Reason, sample []byte) {
	src.rejected[r].Add(1)
	p.sample(src, sample)
}

// SetConnected records whether a source is connected and the error that
// ended its last connection or read, if any.
func (p *Pipeline) SetConnected(source string, connected bool, err error) {
	src := p.source(source)
	src.info.Lock()
	defer src.info.Unlock()
	src.connected = connected
	if err != nil {
		src.lastErr = printable(err.Error(), maxErrorLen)
	}
}

// Run expires the fragments whose siblings did not come in time (counted as
// orphans) and logs a summary of rejects every 10 s. It returns nil when
// ctx is done.
func (p *Pipeline) Run(ctx context.Context) error {
	expire := time.NewTicker(expireInterval)
	defer expire.Stop()
	summary := time.NewTicker(summaryInterval)
	defer summary.Stop()
	for {
		select {
		case <-ctx.Done():
			p.logSummary()
			return nil
		case <-expire.C:
			p.expire(p.now())
		case <-summary.C:
			p.logSummary()
		}
	}
}

// expire gives up the fragments that have waited longer than the timeout
// at now.
func (p *Pipeline) expire(now time.Time) {
	for _, src := range p.list() {
		src.mu.Lock()
		n := src.asm.expire(now.UnixNano())
		if n > 0 {
			src.rejected[ReasonOrphan].Add(uint64(n))
			p.sample(src, src.asm.orphanSample)
		}
		src.mu.Unlock()
	}
}

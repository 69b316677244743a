package ais

import (
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Bounds on the attacker-controlled text kept for diagnosis.
const (
	maxSample   = 96  // bytes of a rejected line kept
	maxErrorLen = 200 // bytes of a connection error kept
)

// Stats returns the counters of every source, sorted by name.
func (p *Pipeline) Stats() []SourceStats {
	srcs := p.list()
	out := make([]SourceStats, len(srcs))
	for i, src := range srcs {
		out[i] = src.stats()
	}
	return out
}

// Totals returns the counters summed over all sources, named "total". It is
// connected when any source is; LastLine is the latest of any source.
func (p *Pipeline) Totals() SourceStats {
	t := SourceStats{Name: "total"}
	for _, src := range p.list() {
		s := src.stats()
		t.Connected = t.Connected || s.Connected
		t.Lines += s.Lines
		t.Sentences += s.Sentences
		t.Messages += s.Messages
		t.Duplicate += s.Duplicate
		for r := range t.Rejected {
			t.Rejected[r] += s.Rejected[r]
		}
		if s.LastLine.After(t.LastLine) {
			t.LastLine = s.LastLine
		}
	}
	t.RejectedBy = rejectedBy(&t.Rejected)
	return t
}

// list returns the sources sorted by name.
func (p *Pipeline) list() []*source {
	p.mu.RLock()
	srcs := make([]*source, 0, len(p.sources))
	for _, src := range p.sources {
		srcs = append(srcs, src)
	}
	p.mu.RUnlock()
	slices.SortFunc(srcs, func(a, b *source) int { return strings.Compare(a.name, b.name) })
	return srcs
}

func (src *source) stats() SourceStats {
	s := SourceStats{
		Name:      src.name,
		Lines:     src.lines.Load(),
		Sentences: src.sentences.Load(),
		Messages:  src.messages.Load(),
		Duplicate: src.dups.Load(),
	}
	for r := range s.Rejected {
		s.Rejected[r] = src.rejected[r].Load()
	}
	s.RejectedBy = rejectedBy(&s.Rejected)
	if ns := src.lastLine.Load(); ns != 0 {
		s.LastLine = time.Unix(0, ns)
	}
	src.info.Lock()
	s.Kind, s.Address, s.Connected, s.LastError = src.kind, src.addr, src.connected, src.lastErr
	s.LastReject = string(src.lastReject[:src.lastRejectN])
	src.info.Unlock()
	return s
}

func rejectedBy(r *[NumReasons]uint64) map[string]uint64 {
	m := make(map[string]uint64, NumReasons)
	for i, n := range r {
		m[Reason(i).String()] = n
	}
	return m
}

// sample keeps a bounded, printable copy of a rejected line.
func (p *Pipeline) sample(src *source, b []byte) {
	src.info.Lock()
	defer src.info.Unlock()
	n := 0
	for _, c := range b {
		if n == maxSample {
			break
		}
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		src.lastReject[n] = c
		n++
	}
	src.lastRejectN = n
}

// printable bounds s to max bytes and replaces anything but printable ASCII.
func printable(s string, max int) string {
	b := []byte(s)
	if len(b) > max {
		b = b[:max]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

// logSummary logs, per source, the rejects since the last summary: one
// line per source and interval at most, never one per bad line.
func (p *Pipeline) logSummary() {
	for _, src := range p.list() {
		var attrs []any
		var total uint64
		src.info.Lock()
		for r := range src.logged {
			now := src.rejected[r].Load()
			if d := now - src.logged[r]; d > 0 {
				attrs = append(attrs, slog.Uint64(Reason(r).String(), d))
				total += d
			}
			src.logged[r] = now
		}
		last := string(src.lastReject[:src.lastRejectN])
		src.info.Unlock()
		if total == 0 {
			continue
		}
		p.log.Warn("rejected input",
			slog.String("source", src.name),
			slog.Uint64("count", total),
			slog.Group("by_reason", attrs...),
			slog.String("last", last))
	}
}

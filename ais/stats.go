package ais

import "time"

// SourceStats are the counters of one input, as the API and metrics show
// them. Counters only ever grow while the process runs.
type SourceStats struct {
	Name      string             `json:"name"`
	Kind      string             `json:"kind"`    // udp, tcp-listen, tcp-client, serial, file, stdin, simulator
	Address   string             `json:"address"` // what it listens on, dials or reads
	Connected bool               `json:"connected"`
	Lines     uint64             `json:"lines"`      // lines read
	Sentences uint64             `json:"sentences"`  // sentences accepted (checksum and framing good)
	Messages  uint64             `json:"messages"`   // messages decoded and passed on
	Duplicate uint64             `json:"duplicates"` // messages dropped as heard before by another receiver
	Rejected  [NumReasons]uint64 `json:"-"`
	// RejectedBy is Rejected keyed by Reason.String(), for JSON.
	RejectedBy map[string]uint64 `json:"rejected"`
	LastLine   time.Time         `json:"last_line,omitzero"`
	LastError  string            `json:"last_error,omitempty"`  // last connection or read error
	LastReject string            `json:"last_reject,omitempty"` // last rejected line (truncated), for diagnosis
}

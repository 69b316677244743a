// Package prefetch asks the processor to start loading memory that is
// about to be read. With thousands of vessels reporting in turn, the
// records of each report's vessel are out of the cache; read one after the
// other, each costs a full memory latency, but asked for together they
// load in the time of about one. It is a hint: it changes nothing, never
// faults, and does nothing where it is not implemented.
package prefetch

// LineSize is the cache line size assumed: 64 bytes on the processors
// riverwatch runs on.
const LineSize = 64

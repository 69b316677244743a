// Package vesselstest holds what every implementation of the vessels
// contracts is tested with: the conformance suites TestStore and
// TestHistory, which each backend (the in-memory defaults, InfluxDB) runs
// against itself, and small fakes and message builders for the tests of
// packages that consume vessel events.
package vesselstest

package influxstore

import (
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// Defaults of the Config fields left zero.
const (
	DefaultBatchSize        = 5000
	DefaultFlushInterval    = time.Second
	DefaultMaxBuffered      = 200_000
	DefaultMaxSpillBytes    = 1 << 30
	DefaultWriters          = 4
	DefaultTimeout          = 10 * time.Second
	DefaultRetryInterval    = 250 * time.Millisecond
	DefaultMaxRetryInterval = 10 * time.Second
	DefaultCloseTimeout     = 10 * time.Second
	DefaultReadWait         = 2 * time.Second
)

// Config says which InfluxDB to write to and how to buffer.
type Config struct {
	// URL of the server, such as http://127.0.0.1:8086.
	URL string
	// Token is an InfluxDB 2 API token; for 1.8 it is "user:password", or
	// empty without authentication.
	Token string
	// Org is the InfluxDB 2 organisation; 1.8 ignores it.
	Org string
	// Bucket is the InfluxDB 2 bucket; for 1.8 it is
	// "database/retention-policy", or "database" for the default policy.
	Bucket string

	// BatchSize is how many points go in one write (DefaultBatchSize).
	BatchSize int
	// FlushInterval bounds how long a point waits for its batch to fill
	// (DefaultFlushInterval).
	FlushInterval time.Duration
	// MaxBuffered bounds the points held in memory while InfluxDB is down
	// or slow (DefaultMaxBuffered); beyond it batches spill to SpillDir, or
	// are dropped without one.
	MaxBuffered int
	// SpillDir is the folder for batches that overflow the memory buffer,
	// one file per batch; empty disables spilling. Batches left there by an
	// earlier run are written first.
	SpillDir string
	// MaxSpillBytes bounds the spill folder (DefaultMaxSpillBytes); beyond
	// it new batches are dropped and counted.
	MaxSpillBytes int64
	// Writers is how many writes may be in flight at once (DefaultWriters).
	Writers int
	// Timeout bounds each HTTP request (DefaultTimeout).
	Timeout time.Duration
	// RetryInterval is the first wait after a failed write, doubled up to
	// MaxRetryInterval while InfluxDB stays down.
	RetryInterval, MaxRetryInterval time.Duration
	// CloseTimeout bounds how long Close tries to write what is buffered
	// before spilling (or, without a spill folder, dropping) the rest.
	CloseTimeout time.Duration
	// ReadWait bounds how long Track waits for points appended before it
	// to be written, so that a reader sees its own writes
	// (DefaultReadWait); past it Track reads what InfluxDB has.
	ReadWait time.Duration

	// Now is the clock of the outage log and Stats; time.Now when nil.
	// Point timestamps are always the points' own.
	Now func() time.Time
	// Logger receives outage warnings; discarded when nil.
	Logger *slog.Logger
}

// withDefaults checks c and fills its zero fields.
func (c Config) withDefaults() (Config, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("%w: influxstore: URL %q is not http(s)://host[:port]", vessels.ErrInvalid, c.URL)
	}
	if c.Bucket == "" {
		return c, fmt.Errorf("%w: influxstore: no bucket (for InfluxDB 1.8: database/retention-policy)", vessels.ErrInvalid)
	}
	if c.BatchSize < 0 || c.MaxBuffered < 0 || c.Writers < 0 || c.MaxSpillBytes < 0 {
		return c, fmt.Errorf("%w: influxstore: negative size", vessels.ErrInvalid)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.MaxBuffered == 0 {
		c.MaxBuffered = DefaultMaxBuffered
	}
	if c.MaxSpillBytes == 0 {
		c.MaxSpillBytes = DefaultMaxSpillBytes
	}
	if c.Writers == 0 {
		c.Writers = DefaultWriters
	}
	def(&c.FlushInterval, DefaultFlushInterval)
	def(&c.Timeout, DefaultTimeout)
	def(&c.RetryInterval, DefaultRetryInterval)
	def(&c.MaxRetryInterval, DefaultMaxRetryInterval)
	def(&c.CloseTimeout, DefaultCloseTimeout)
	def(&c.ReadWait, DefaultReadWait)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

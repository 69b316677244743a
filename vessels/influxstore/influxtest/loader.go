package influxtest

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Loader shape: the plain batched line-protocol loader the history's
// writer is measured against (several HTTP writers posting 5,000-point
// batches, as the issue names it).
const (
	LoaderWriters = 4
	LoaderBatch   = 5000
)

// LoadLines writes n points to d the plain way, LoaderWriters at once in
// LoaderBatch-point posts to the v2 write API; line appends point i's line
// protocol (with its newline) to buf. It is the reference the benchmarks
// set the history's writer and the import beside.
func LoadLines(d DB, n int, line func(buf []byte, i int) []byte) error {
	target, auth := d.WriteURL()
	client := &http.Client{Timeout: time.Minute}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range LoaderWriters {
		wg.Go(func() {
			buf := make([]byte, 0, LoaderBatch*140)
			for {
				start := int(next.Add(LoaderBatch)) - LoaderBatch
				if start >= n || failed.Load() != nil {
					return
				}
				buf = buf[:0]
				for i := start; i < min(start+LoaderBatch, n); i++ {
					buf = line(buf, i)
				}
				if err := postLines(client, target, auth, buf); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	return nil
}

func postLines(c *http.Client, target, auth string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("write: %s", resp.Status)
	}
	return nil
}

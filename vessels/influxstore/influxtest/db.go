package influxtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Environment variables naming an InfluxDB 2 (or Cloud) for the tests
// instead of a local influxd 1.8.3. The token must be allowed to create
// and delete buckets in the organisation: every test gets a bucket of its
// own, deleted when it ends. RIVERWATCH_INFLUX_BUCKET, when set, is the
// prefix of those bucket names.
const (
	EnvURL    = "RIVERWATCH_INFLUX_URL"
	EnvToken  = "RIVERWATCH_INFLUX_TOKEN"
	EnvOrg    = "RIVERWATCH_INFLUX_ORG"
	EnvBucket = "RIVERWATCH_INFLUX_BUCKET"
)

// DB is one empty place to write to: a database of a local influxd 1.8
// (Bucket "db/autogen") or a bucket of an InfluxDB 2.
type DB struct {
	URL, Token, Org, Bucket string
}

// Flags are the riverwatch flags that write to d.
func (d DB) Flags() []string {
	f := []string{"--influx-url", d.URL, "--influx-bucket", d.Bucket}
	if d.Token != "" {
		f = append(f, "--influx-token", d.Token)
	}
	if d.Org != "" {
		f = append(f, "--influx-org", d.Org)
	}
	return f
}

// External reports whether the tests use the InfluxDB 2 of the
// environment (RIVERWATCH_INFLUX_URL) rather than a local influxd.
func External() bool { return os.Getenv(EnvURL) != "" }

var dbSeq atomic.Int64

// NewDB returns an empty database for the test: a bucket on the InfluxDB 2
// of the environment when RIVERWATCH_INFLUX_URL is set, else a database on
// a local influxd 1.8.3 started for it.
func NewDB(tb testing.TB) DB {
	tb.Helper()
	return DBs(tb)(tb)
}

// DBs returns a function making empty databases on one server: the
// environment's InfluxDB 2, or one local influxd started now. Use it
// where a test needs many (a conformance suite, one per subtest).
func DBs(tb testing.TB) func(testing.TB) DB {
	tb.Helper()
	if External() {
		return func(tb testing.TB) DB { tb.Helper(); return newBucket(tb) }
	}
	s := StartServer(tb)
	return func(tb testing.TB) DB { tb.Helper(); return s.NewDB(tb) }
}

// NewDB creates a new database on s.
func (s *Server) NewDB(tb testing.TB) DB {
	tb.Helper()
	name := fmt.Sprintf("test%d", dbSeq.Add(1))
	s.Exec(tb, "CREATE DATABASE "+name)
	return DB{URL: s.URL, Bucket: name + "/autogen"}
}

// DB is the database Start created on s.
func (s *Server) DB() DB { return DB{URL: s.URL, Bucket: Bucket} }

// newBucket creates a bucket on the environment's InfluxDB 2, deleted at
// the end of the test.
func newBucket(tb testing.TB) DB {
	tb.Helper()
	d := DB{URL: strings.TrimRight(os.Getenv(EnvURL), "/"), Token: os.Getenv(EnvToken), Org: os.Getenv(EnvOrg)}
	prefix := os.Getenv(EnvBucket)
	if prefix == "" {
		prefix = "riverwatch-test"
	}
	d.Bucket = fmt.Sprintf("%s-%d-%d-%d", prefix, os.Getpid(), time.Now().UnixNano(), dbSeq.Add(1))
	var orgs struct {
		Orgs []struct{ ID string } `json:"orgs"`
	}
	if err := d.call("GET", "/api/v2/orgs?org="+url.QueryEscape(d.Org), nil, &orgs); err != nil || len(orgs.Orgs) == 0 {
		tb.Fatalf("influxtest: organisation %q on %s: %v (set %s, %s and %s)", d.Org, d.URL, err, EnvURL, EnvToken, EnvOrg)
	}
	body := map[string]any{"name": d.Bucket, "orgID": orgs.Orgs[0].ID,
		"retentionRules": []map[string]any{{"type": "expire", "everySeconds": 0}}}
	var created struct{ ID string }
	if err := d.call("POST", "/api/v2/buckets", body, &created); err != nil {
		tb.Fatalf("influxtest: create bucket %s: %v", d.Bucket, err)
	}
	tb.Cleanup(func() {
		if err := d.call("DELETE", "/api/v2/buckets/"+created.ID, nil, nil); err != nil {
			tb.Logf("influxtest: delete bucket %s: %v", d.Bucket, err)
		}
	})
	return d
}

// call makes one request of the InfluxDB 2 API.
func (d DB) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, d.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Token "+d.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// WriteURL is where a plain line-protocol loader posts to d, with the
// header it must send (empty for 1.8 without authentication).
func (d DB) WriteURL() (target, authorization string) {
	q := url.Values{"precision": {"ns"}, "bucket": {d.Bucket}}
	if d.Org != "" {
		q.Set("org", d.Org)
	}
	target = d.URL + "/api/v2/write?" + q.Encode()
	if d.Token != "" {
		authorization = "Token " + d.Token
	}
	return target, authorization
}

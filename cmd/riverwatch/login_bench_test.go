package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/vessels"
)

// loginBenchLines is position reports of 2,000 vessels, the ingest load.
func loginBenchLines(tb testing.TB) [][]byte {
	var out [][]byte
	for i := range 2000 {
		p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: uint32(412000000 + i)}, Valid: true,
			Sog: 6, Longitude: goais.FieldLatLonFine(125.5 + float64(i%100)*0.01), Latitude: goais.FieldLatLonFine(43.5 + float64(i/100)*0.01),
			Cog: 90, TrueHeading: 90, Timestamp: 10}
		for _, l := range mustEncode(tb, p, 0) {
			out = append(out, []byte(l))
		}
	}
	return out
}

// ingestRig is the ingest path of serve: the pipeline decoding into the
// tracker.
func ingestRig() *ais.Pipeline {
	log := slog.New(slog.DiscardHandler)
	tracker := vessels.NewTracker(vessels.TrackerConfig{Logger: log}, vessels.NewMemoryStore(), nil, vessels.NewBroker())
	return ais.NewPipeline(ais.PipelineConfig{OnMessage: tracker.Handle, Logger: log})
}

// ingestFor feeds lines round and round until stop closes and returns how
// many it fed.
func ingestFor(p *ais.Pipeline, lines [][]byte, stop <-chan struct{}) int {
	n := 0
	for {
		select {
		case <-stop:
			return n
		default:
		}
		for _, l := range lines[n%len(lines) : n%len(lines)+100] {
			p.Feed(ais.Line{Source: "bench", Data: l, Received: time.Now()})
		}
		n += 100
	}
}

// BenchmarkLoginBurstBesideIngest is the issue's "a burst of logins
// cannot starve ingest": per iteration 100 logins arrive at once with the
// default argon2id parameters while the ingest path decodes and tracks
// position reports as fast as it can. It reports the ingest rate during
// the burst beside the rate with no logins (same duration), how long the
// burst took and how many logins were refused with 429 (ErrBusy) rather
// than queued past HashWait.
func BenchmarkLoginBurstBesideIngest(b *testing.B) {
	lines := loginBenchLines(b)
	ctx := context.Background()
	svc, err := accounts.New(accounts.Config{Store: accounts.NewMemoryStore(nil)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateAccount(ctx, accounts.NewAccount{Username: "wang", Password: "officer-password", Roles: []string{"officer"}}); err != nil {
		b.Fatal(err)
	}
	p := ingestRig()
	var quietRate, burstRate, burstSecs, busy, ok float64
	for b.Loop() {
		// The burst, with ingest beside it.
		stop := make(chan struct{})
		fed := make(chan int)
		go func() { fed <- ingestFor(p, lines, stop) }()
		start := time.Now()
		var wg sync.WaitGroup
		var nBusy, nOK atomic.Int64
		for i := range 100 {
			wg.Go(func() {
				_, err := svc.Login(ctx, "wang", "officer-password", fmt.Sprintf("10.0.%d.%d", i/250, i%250))
				switch {
				case err == nil:
					nOK.Add(1)
				case errors.Is(err, accounts.ErrBusy):
					nBusy.Add(1)
				default:
					b.Error(err)
				}
			})
		}
		wg.Wait()
		d := time.Since(start)
		close(stop)
		burstRate += float64(<-fed) / d.Seconds()
		burstSecs += d.Seconds()
		busy += float64(nBusy.Load())
		ok += float64(nOK.Load())

		// The same time with no logins.
		stop = make(chan struct{})
		go func() { fed <- ingestFor(p, lines, stop) }()
		time.Sleep(d)
		close(stop)
		quietRate += float64(<-fed) / d.Seconds()
	}
	n := float64(b.N)
	b.ReportMetric(burstRate/n, "ingest-lines/s-burst")
	b.ReportMetric(quietRate/n, "ingest-lines/s-quiet")
	b.ReportMetric(burstSecs/n, "burst-s")
	b.ReportMetric(ok/n, "logins-ok")
	b.ReportMetric(busy/n, "logins-429")
}

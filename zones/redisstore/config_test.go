package redisstore

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/zones"
)

func TestConfigOptions(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		addrs    []string
		cluster  bool
		db       int
		user     string
		password string
		tls      bool
	}{
		{"URL", Config{URL: "redis://127.0.0.1:6380/2"}, []string{"127.0.0.1:6380"}, false, 2, "", "", false},
		{"URLDefaultPort", Config{URL: "redis://redis"}, []string{"redis:6379"}, false, 0, "", "", false},
		{"URLUserPassword", Config{URL: "redis://rw:p%40ss@h:1/"}, []string{"h:1"}, false, 0, "rw", "p@ss", false},
		{"URLPasswordOnly", Config{URL: "redis://:secret@h:1"}, []string{"h:1"}, false, 0, "", "secret", false},
		{"TLS", Config{URL: "rediss://h:1"}, []string{"h:1"}, false, 0, "", "", true},
		{"Cluster", Config{URL: "redis+cluster://h1:7000,h2:7001,h3"}, []string{"h1:7000", "h2:7001", "h3:6379"}, true, 0, "", "", false},
		{"ClusterOneSeed", Config{URL: "redis+cluster://h1:7000"}, []string{"h1:7000"}, true, 0, "", "", false},
		{"ClusterTLS", Config{URL: "rediss+cluster://u:p@h1:7000,h2:7001"}, []string{"h1:7000", "h2:7001"}, true, 0, "u", "p", true},
		{"SeveralHostsAreACluster", Config{URL: "redis://h1:7000,h2:7001"}, []string{"h1:7000", "h2:7001"}, true, 0, "", "", false},
		{"IPv6", Config{URL: "redis://[::1]:6390"}, []string{"[::1]:6390"}, false, 0, "", "", false},
		{"Addrs", Config{Addrs: []string{"h:1"}, DB: 3}, []string{"h:1"}, false, 3, "", "", false},
		{"AddrsCluster", Config{Addrs: []string{"h:1", "h:2"}}, []string{"h:1", "h:2"}, true, 0, "", "", false},
		{"AddrsClusterSeed", Config{Addrs: []string{"h:1"}, Cluster: true}, []string{"h:1"}, true, 0, "", "", false},
		{"ConfigPasswordWins", Config{URL: "redis://:old@h:1", Password: "new"}, []string{"h:1"}, false, 0, "", "new", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := c.cfg.UniversalOptions()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.Addrs, c.addrs) || o.IsClusterMode != c.cluster || o.DB != c.db ||
				o.Username != c.user || o.Password != c.password || (o.TLSConfig != nil) != c.tls {
				t.Fatalf("UniversalOptions = addrs %v cluster %v db %d user %q password %q tls %v; want %v %v %d %q %q %v",
					o.Addrs, o.IsClusterMode, o.DB, o.Username, o.Password, o.TLSConfig != nil,
					c.addrs, c.cluster, c.db, c.user, c.password, c.tls)
			}
			if o.ReadTimeout != DefaultTimeout || o.DialTimeout != DefaultTimeout {
				t.Errorf("timeouts %v %v, want %v", o.DialTimeout, o.ReadTimeout, DefaultTimeout)
			}
		})
	}
}

func TestConfigInvalid(t *testing.T) {
	cases := map[string]Config{
		"Nothing":        {},
		"Both":           {URL: "redis://h:1", Addrs: []string{"h:1"}},
		"Scheme":         {URL: "http://h:1"},
		"NoScheme":       {URL: "h:1"},
		"Query":          {URL: "redis://h:1?dial_timeout=3"},
		"DBNotANumber":   {URL: "redis://h:1/x"},
		"ClusterDB":      {URL: "redis+cluster://h1:1,h2:2/1"},
		"ClusterDBField": {Addrs: []string{"h:1", "h:2"}, DB: 1},
		"EmptyHost":      {URL: "redis+cluster://h1:1,,h2:2"},
		"BadAddr":        {Addrs: []string{"no-port"}},
		"BadPort":        {URL: "redis://h:port"},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := cfg.UniversalOptions(); !errors.Is(err, zones.ErrInvalid) {
				t.Fatalf("UniversalOptions(%+v): err = %v, want ErrInvalid", cfg, err)
			}
		})
	}
	if _, err := New(t.Context(), Config{Addrs: []string{"h:1"}, Prefix: "a{b"}); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("New with braces in the prefix: err = %v, want ErrInvalid", err)
	}
}

func TestRedactURL(t *testing.T) {
	_, err := (Config{URL: "redis://user:hunter2@h:1/x"}).UniversalOptions()
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v shows the password", err)
	}
}

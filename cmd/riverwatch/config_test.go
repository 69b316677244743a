package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func testEnv(vars map[string]string) env {
	return env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(k string) string { return vars[k] }}
}

func TestConfigLayers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rw.yaml")
	yaml := "http: 0.0.0.0:9000\ninputs:\n  - a=udp://127.0.0.1:1\nlost_after: 10m\nstale_factor: 4\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want func(c *Config)
	}{
		{"defaults", nil, nil, func(c *Config) {}},
		{"yaml", nil, []string{"--config", path}, func(c *Config) {
			c.HTTP, c.Inputs, c.LostAfter, c.StaleFactor = "0.0.0.0:9000", []string{"a=udp://127.0.0.1:1"}, 10*time.Minute, 4
		}},
		{"env over yaml", map[string]string{"RIVERWATCH_CONFIG": path, "RIVERWATCH_HTTP": "127.0.0.1:9100",
			"RIVERWATCH_INPUT": "b=udp://127.0.0.1:2, c=tcp://127.0.0.1:3"}, nil, func(c *Config) {
			c.HTTP, c.Inputs, c.LostAfter, c.StaleFactor = "127.0.0.1:9100", []string{"b=udp://127.0.0.1:2", "c=tcp://127.0.0.1:3"}, 10*time.Minute, 4
		}},
		{"flags over env", map[string]string{"RIVERWATCH_HTTP": "127.0.0.1:9100", "RIVERWATCH_LOST_AFTER": "5m"},
			[]string{"--http", "127.0.0.1:9200", "--udp", "127.0.0.1:4", "--stdin"}, func(c *Config) {
				c.HTTP, c.LostAfter, c.Inputs = "127.0.0.1:9200", 5*time.Minute, []string{"udp://127.0.0.1:4", "stdin"}
			}},
		{"input shorthands from env take commas and replace yaml inputs",
			map[string]string{"RIVERWATCH_CONFIG": path, "RIVERWATCH_UDP": "127.0.0.1:21801, 127.0.0.1:21802", "RIVERWATCH_TCP": "10.0.0.9:5631"}, nil,
			func(c *Config) {
				c.HTTP, c.LostAfter, c.StaleFactor = "0.0.0.0:9000", 10*time.Minute, 4
				c.Inputs = []string{"tcp://10.0.0.9:5631", "udp://127.0.0.1:21801", "udp://127.0.0.1:21802"} // env in flag-name order
			}},
		{"input flags replace env inputs", map[string]string{"RIVERWATCH_UDP": "127.0.0.1:1"},
			[]string{"--tcp-listen", "127.0.0.1:2", "--stdin"}, func(c *Config) {
				c.Inputs = []string{"tcp-listen://127.0.0.1:2", "stdin"}
			}},
		{"input flag replaces yaml inputs", nil, []string{"--config", path, "--input", "z=udp://127.0.0.1:5"}, func(c *Config) {
			c.HTTP, c.Inputs, c.LostAfter, c.StaleFactor = "0.0.0.0:9000", []string{"z=udp://127.0.0.1:5"}, 10*time.Minute, 4
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(tt.args, testEnv(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("htp: typo\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"unknown yaml key", nil, []string{"--config", bad}},
		{"missing file", nil, []string{"--config", filepath.Join(dir, "none.yaml")}},
		{"bad duration env", map[string]string{"RIVERWATCH_LOST_AFTER": "soon"}, nil},
		{"bad simulate", nil, []string{"--simulate", "maybe"}},
		{"unknown flag", nil, []string{"--nope"}},
		{"stray argument", nil, []string{"extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseServe(tt.args, testEnv(tt.env)); err == nil {
				t.Error("no error")
			}
		})
	}
}

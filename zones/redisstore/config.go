package redisstore

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
)

// DefaultPrefix starts every key unless Config.Prefix says otherwise.
const DefaultPrefix = "riverwatch"

// DefaultTimeout bounds dialling, reading and writing unless Config.Timeout
// says otherwise: a Redis that is down shows as zones.ErrUnavailable within
// a few of them, never as a hang.
const DefaultTimeout = 3 * time.Second

// Config says which Redis to use. Give URL or Addrs, not both.
type Config struct {
	// URL is one of
	//
	//	redis://[user:password@]host[:port][/db]        a single node
	//	redis+cluster://[user:password@]host[:port][,host[:port]...]
	//	                                                 a Redis Cluster, from any of its nodes
	//
	// with rediss and rediss+cluster for TLS. The port defaults to 6379. A
	// plain redis:// URL naming several hosts is a cluster too. There are
	// no query parameters; a cluster has only database 0.
	URL string
	// Addrs are host:port addresses: one is a single node, several are
	// seeds of a Redis Cluster.
	Addrs []string
	// Cluster makes a single address in Addrs a cluster's seed.
	Cluster bool

	Username string // overrides the URL's
	Password string // overrides the URL's
	DB       int    // single node only; overrides the URL's path

	// Prefix starts every key (DefaultPrefix when empty), so that several
	// deployments can share one Redis. It may not contain '{' or '}'.
	Prefix string
	// Timeout bounds dialling and each read and write (DefaultTimeout when
	// zero).
	Timeout time.Duration
	// Now is the clock that judges what bans and alerts are still kept;
	// time.Now when nil.
	Now func() time.Time
	// Logger receives the store's warnings; discarded when nil.
	Logger *slog.Logger
}

// UniversalOptions turns the config into go-redis options: the one
// reading of the --redis URL forms, which the accounts' Redis store uses
// too, so that one flag never means two servers. Errors wrap
// zones.ErrInvalid.
func (c Config) UniversalOptions() (*redis.UniversalOptions, error) {
	o := &redis.UniversalOptions{}
	switch {
	case c.URL != "" && len(c.Addrs) > 0:
		return nil, fmt.Errorf("%w: redisstore: give a URL or addresses, not both", zones.ErrInvalid)
	case c.URL != "":
		var err error
		if o, err = parseURL(c.URL); err != nil {
			return nil, err
		}
	case len(c.Addrs) > 0:
		for _, a := range c.Addrs {
			if err := checkAddr(a); err != nil {
				return nil, fmt.Errorf("%w: redisstore: %v", zones.ErrInvalid, err)
			}
		}
		o.Addrs = append([]string(nil), c.Addrs...)
		o.IsClusterMode = c.Cluster || len(c.Addrs) > 1
	default:
		return nil, fmt.Errorf("%w: redisstore: no Redis URL or address", zones.ErrInvalid)
	}
	if c.Username != "" {
		o.Username = c.Username
	}
	if c.Password != "" {
		o.Password = c.Password
	}
	if c.DB != 0 {
		o.DB = c.DB
	}
	if o.DB < 0 || (o.IsClusterMode && o.DB != 0) {
		return nil, fmt.Errorf("%w: redisstore: database %d (a cluster has only 0)", zones.ErrInvalid, o.DB)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = timeout, timeout, timeout
	o.PoolTimeout = timeout
	// Few, quick retries: a Redis that is down is reported, not waited for.
	o.MaxRetries, o.DialerRetries, o.DialerRetryTimeout = 2, 2, 50*time.Millisecond
	o.DisableIdentity = true
	return o, nil
}

// parseURL reads the URL forms Config.URL lists.
func parseURL(raw string) (*redis.UniversalOptions, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: redisstore: URL %q: %s", zones.ErrInvalid, redact(raw), fmt.Sprintf(format, args...))
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, bad("want redis://host:port/db or redis+cluster://host:port,host:port")
	}
	o := &redis.UniversalOptions{}
	var tlsOn bool
	switch scheme {
	case "redis":
	case "rediss":
		tlsOn = true
	case "redis+cluster":
		o.IsClusterMode = true
	case "rediss+cluster":
		tlsOn, o.IsClusterMode = true, true
	default:
		return nil, bad("scheme %q: want redis, rediss, redis+cluster or rediss+cluster", scheme)
	}
	// The host list is taken out before url.Parse, which allows one host.
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	u, err := url.Parse("redis://" + userinfo + "host" + path)
	if err != nil {
		return nil, bad("%v", err)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, bad("query parameters are not supported")
	}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	for _, h := range strings.Split(hosts, ",") {
		if h == "" {
			return nil, bad("empty host")
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(strings.Trim(h, "[]"), "6379")
		}
		if err := checkAddr(h); err != nil {
			return nil, bad("%v", err)
		}
		o.Addrs = append(o.Addrs, h)
	}
	if len(o.Addrs) > 1 {
		o.IsClusterMode = true
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil || n < 0 {
			return nil, bad("database %q: want a number", db)
		}
		o.DB = n
	}
	if tlsOn {
		host, _, _ := net.SplitHostPort(o.Addrs[0])
		o.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return o, nil
}

// checkAddr checks a host:port address.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %v", addr, err)
	}
	if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("address %q: want host:port with a port 1–65535", addr)
	}
	return nil
}

// redact hides a URL's password for error messages.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndex(rest, "@")
	if slash := strings.IndexAny(rest, "/?#"); slash >= 0 && slash < at {
		at = -1
	}
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

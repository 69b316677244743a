package api

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/api/accounts"
)

// FeedSink takes AIS lines pushed over HTTP; *ais.Pipeline implements it.
type FeedSink interface {
	// AddSource registers an input for the statistics.
	AddSource(name, kind, address string)
	// Feed takes one line; it never blocks on a consumer.
	Feed(l ais.Line)
}

// errNoFeed is a push to a server built without a FeedSink.
var errNoFeed = errors.New("api: no AIS pipeline to feed")

// FeedKeyView is a feed key as the API lists it: never its secret.
type FeedKeyView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func feedKeyView(t accounts.Token) FeedKeyView {
	return FeedKeyView{ID: t.ID, Name: t.Name, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}
}

// FeedKeyList is the body of GET /api/v1/feeds.
type FeedKeyList struct {
	Count int           `json:"count"`
	Feeds []FeedKeyView `json:"feeds"`
}

// FeedKeyCreated is the body of POST /api/v1/feeds: the key, shown this
// once.
type FeedKeyCreated struct {
	Key  string      `json:"key"`
	Feed FeedKeyView `json:"feed"`
}

// FeedKeyRequest is the body of POST /api/v1/feeds.
type FeedKeyRequest struct {
	Name string `json:"name"` // the receiver or provider, e.g. "songyuan-base"
}

// FeedResult is the body of a push: how many lines it held.
type FeedResult struct {
	Lines int `json:"lines"`
}

// feedSourceKind is the kind of a pushed feed's input in /api/v1/sources.
const feedSourceKind = "http"

// pushNMEA takes AIS sentences, one a line, from a holder of a feed key
// (Authorization: Bearer KEY): they enter the pipeline as the input
// "feed:NAME", where bad lines are counted like any input's.
func (s *Server) pushNMEA(c *fiber.Ctx) error {
	if s.deps.Feed == nil {
		return errNoFeed
	}
	token, cookie, err := credentials(c)
	if err != nil || cookie {
		return ErrUnauthorized
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	key, err := s.deps.Accounts.FeedKey(ctx, token)
	if err != nil {
		if errors.Is(err, accounts.ErrBadCredentials) {
			return ErrUnauthorized
		}
		return err
	}
	ct, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	if ct = strings.ToLower(strings.TrimSpace(ct)); ct != "" && ct != fiber.MIMETextPlain && ct != "application/octet-stream" {
		return fiber.ErrUnsupportedMediaType
	}
	name := "feed:" + key.Name
	s.deps.Feed.AddSource(name, feedSourceKind, c.IP())
	now := s.cfg.Now()
	n := 0
	for line := range bytes.Lines(c.Body()) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			continue
		}
		s.deps.Feed.Feed(ais.Line{Source: name, Data: line, Received: now})
		n++
	}
	return c.JSON(FeedResult{Lines: n})
}

func (s *Server) listFeedKeys(c *fiber.Ctx) error {
	ctx, cancel := s.ctx(c)
	defer cancel()
	keys, err := s.deps.Accounts.FeedKeys(ctx)
	if err != nil {
		return err
	}
	out := FeedKeyList{Count: len(keys), Feeds: make([]FeedKeyView, len(keys))}
	for i, k := range keys {
		out.Feeds[i] = feedKeyView(k)
	}
	return c.JSON(out)
}

func (s *Server) createFeedKey(c *fiber.Ctx) error {
	var req FeedKeyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	key, t, err := s.deps.Accounts.CreateFeedKey(ctx, req.Name, by(c))
	if err != nil {
		return err
	}
	s.audit(c, ActionFeedKeyCreate, "feed:"+t.ID, nil, feedKeyView(t))
	c.Location("/api/v1/feeds/" + url.PathEscape(t.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(FeedKeyCreated{Key: key, Feed: feedKeyView(t)})
}

func (s *Server) deleteFeedKey(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	t, err := s.deps.Accounts.DeleteFeedKey(ctx, id)
	if err != nil {
		return err
	}
	s.audit(c, ActionFeedKeyDelete, "feed:"+t.ID, feedKeyView(t), nil)
	return c.SendStatus(fiber.StatusNoContent)
}

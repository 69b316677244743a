package accounts

import (
	"context"
	"errors"
	"fmt"
)

// CreateFeedKey makes a feed key named name (the receiver or provider it
// is for) and returns the key, shown this once, and its record.
func (s *Service) CreateFeedKey(ctx context.Context, name, by string) (string, Token, error) {
	if err := validName("name", name); err != nil {
		return "", Token{}, err
	}
	key, t, err := s.newToken(Token{Kind: KindFeed, Name: name, CreatedBy: by, CreatedAt: s.now()})
	if err != nil {
		return "", Token{}, err
	}
	if err := s.store.PutToken(ctx, t); err != nil {
		return "", Token{}, err
	}
	return key, t, nil
}

// FeedKeys lists the feed keys (without their secrets).
func (s *Service) FeedKeys(ctx context.Context) ([]Token, error) {
	return s.store.Tokens(ctx, KindFeed)
}

// DeleteFeedKey removes the feed key of id and returns it, or ErrNotFound.
func (s *Service) DeleteFeedKey(ctx context.Context, id string) (Token, error) {
	keys, err := s.store.Tokens(ctx, KindFeed)
	if err != nil {
		return Token{}, err
	}
	for _, t := range keys {
		if t.ID == id {
			return t, s.store.DeleteToken(ctx, t.Hash)
		}
	}
	return Token{}, fmt.Errorf("%w: feed key %q", ErrNotFound, id)
}

// FeedKey returns the record of a feed key, or ErrBadCredentials.
func (s *Service) FeedKey(ctx context.Context, key string) (Token, error) {
	if !plausibleToken(key) {
		return Token{}, ErrBadCredentials
	}
	t, err := s.store.Token(ctx, HashToken(key))
	if errors.Is(err, ErrNotFound) || (err == nil && t.Kind != KindFeed) {
		return Token{}, ErrBadCredentials
	}
	return t, err
}

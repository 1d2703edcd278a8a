package xeroauth

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

// TokenSource is an oauth2.TokenSource whose cached token can be dropped,
// for example after the API answered 401 to it. Token is safe for
// concurrent use, and concurrent callers share one token request.
type TokenSource interface {
	oauth2.TokenSource
	// Invalidate drops the cached token if it is tok (or if tok is nil),
	// so the next Token call gets a new one. A stale tok (not the cached
	// one) is ignored: the cache already moved on.
	Invalidate(tok *oauth2.Token)
}

// NewTokenSource returns the TokenSource for c.Mode(). It makes no network
// call. ctx is used for every token request the source makes and must
// outlive it (as with x/oauth2's TokenSources).
func NewTokenSource(ctx context.Context, c Config) (TokenSource, error) {
	mode, err := c.Mode()
	if err != nil {
		return nil, err
	}
	c = c.withDefaults()
	httpCtx := context.WithValue(ctx, oauth2.HTTPClient, c.HTTPClient)
	log := c.Logger.With(zap.Stringer("auth_mode", mode))

	switch mode {
	case ModeStatic:
		return &staticSource{tok: &oauth2.Token{AccessToken: c.AccessToken, TokenType: "Bearer"}}, nil
	case ModeClientCredentials:
		scopes := c.Scopes
		if scopes == nil {
			scopes = []string{ScopeSettingsRead}
		}
		cc := &clientcredentials.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			TokenURL:     c.TokenURL,
			Scopes:       scopes,
			AuthStyle:    oauth2.AuthStyleInHeader,
		}
		return &ccSource{ctx: httpCtx, conf: cc, now: c.Now, log: log, secret: c.ClientSecret}, nil
	case ModeRefreshToken:
		if c.TokenFile == "" {
			return nil, errNoTokenFile()
		}
		return &refreshSource{
			ctx: httpCtx,
			conf: &oauth2.Config{
				ClientID:     c.ClientID,
				ClientSecret: c.ClientSecret,
				Endpoint:     oauth2.Endpoint{TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
			},
			store:       &tokenstore.Store{Path: c.TokenFile},
			path:        c.TokenFile,
			flagRT:      c.RefreshToken,
			now:         c.Now,
			log:         log,
			lockTimeout: c.lockTimeout,
		}, nil
	default:
		return nil, newError(codes.Internal, nil, "xero: unknown auth mode %v", mode)
	}
}

// fresh reports whether tok can be used for at least earlyExpiry more. A
// token without an expiry is not trusted.
func fresh(tok *oauth2.Token, now time.Time) bool {
	return tok != nil && tok.AccessToken != "" && !tok.Expiry.IsZero() && now.Add(earlyExpiry).Before(tok.Expiry)
}

// stampExpiry sets tok.Expiry from expires_in on the source's clock (x/oauth2
// uses the wall clock), assuming Xero's 30 minutes if it is missing.
func stampExpiry(tok *oauth2.Token, now time.Time) {
	secs := tok.ExpiresIn
	if secs == 0 {
		// clientcredentials leaves ExpiresIn unset; the raw response has it.
		if v, ok := tok.Extra("expires_in").(float64); ok {
			secs = int64(v)
		}
	}
	switch {
	case secs > 0:
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
	case !tok.Expiry.IsZero():
		tok.Expiry = now.Add(time.Until(tok.Expiry))
	default:
		tok.Expiry = now.Add(defaultLifetime)
	}
}

// clone returns a copy callers may keep or modify.
func clone(tok *oauth2.Token) *oauth2.Token {
	return &oauth2.Token{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		ExpiresIn:    tok.ExpiresIn,
	}
}

// staticSource serves --token. Xero answers 401 once it expires; there is
// nothing to renew it with.
type staticSource struct{ tok *oauth2.Token }

func (s *staticSource) Token() (*oauth2.Token, error) { return clone(s.tok), nil }

func (s *staticSource) Invalidate(*oauth2.Token) {}

// ccSource caches client-credentials tokens and renews them before expiry.
type ccSource struct {
	ctx    context.Context
	conf   *clientcredentials.Config
	now    func() time.Time
	log    *zap.Logger
	secret string // only to redact echoes from error text

	mu  sync.Mutex
	tok *oauth2.Token
}

func (s *ccSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fresh(s.tok, s.now()) {
		return clone(s.tok), nil
	}
	tok, err := s.conf.Token(s.ctx)
	if err != nil {
		err = tokenEndpointError(grantClientCredentials, "", err, s.secret)
		s.log.Warn("xero: client-credentials token request failed", zap.Error(err))
		return nil, err
	}
	stampExpiry(tok, s.now())
	tok.RefreshToken = "" // Xero sends none; never keep one around here.
	s.tok = tok
	s.log.Debug("xero: got client-credentials access token",
		zap.String("access_token_fp", fingerprint(tok.AccessToken)), zap.Time("expiry", tok.Expiry))
	return clone(tok), nil
}

func (s *ccSource) Invalidate(tok *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && (tok == nil || tok.AccessToken == s.tok.AccessToken) {
		s.tok = nil
	}
}

// refreshSource spends a rotating refresh token, persisting each new one.
type refreshSource struct {
	ctx         context.Context
	conf        *oauth2.Config
	store       tokenFile
	path        string // the token file, for messages
	flagRT      string
	now         func() time.Time
	log         *zap.Logger
	lockTimeout time.Duration

	mu  sync.Mutex
	tok *oauth2.Token
	// rejected is the access token last invalidated, so that a copy of it
	// in the token file is not adopted again.
	rejected string
	// unsaved is a rotated token the file could not take (with its chain's
	// origin): the newest refresh token exists only here, so it is used
	// for the next refresh and its save retried (see saveretry.go).
	unsaved       *oauth2.Token
	unsavedOrigin string
	nextSaveTry   time.Time
}

// tokenFile is what refreshSource needs of the token store
// (*tokenstore.Store); tests wrap it to make saving fail.
type tokenFile interface {
	Lock(ctx context.Context) (unlock func() error, err error)
	LoadWithOrigin() (*oauth2.Token, string, error)
	SaveWithOrigin(tok *oauth2.Token, origin string) error
}

func (s *refreshSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fresh(s.tok, s.now()) {
		s.retrySave()
		return clone(s.tok), nil
	}
	tok, err := s.renew()
	if err != nil {
		s.log.Warn("xero: refresh-token renewal failed", zap.Error(err))
		return nil, err
	}
	s.tok = tok
	return clone(tok), nil
}

// renew gets a usable token under the token file's lock: it adopts one
// another process saved, or spends the newest refresh token and saves the
// rotated one before returning. s.mu is held.
func (s *refreshSource) renew() (*oauth2.Token, error) {
	lockCtx, cancel := context.WithTimeout(s.ctx, s.lockTimeout)
	defer cancel()
	unlock, err := s.store.Lock(lockCtx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, newError(codes.Canceled, err, "xero: token refresh cancelled")
		}
		return nil, newError(codes.Aborted, err,
			"xero: could not lock the token file within %v (another process may be refreshing with it): %v", s.lockTimeout, err)
	}
	defer func() {
		if err := unlock(); err != nil {
			s.log.Warn("xero: unlock token file", zap.Error(err))
		}
	}()

	stored, origin, err := s.store.LoadWithOrigin()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		stored = nil
	case err != nil:
		return nil, newError(codes.FailedPrecondition, err,
			"xero: %v; set %s again or run `baton-xero login`", err, flagRef(flagRefreshToken))
	}
	stored, origin = s.chain(stored, origin)
	if s.unsaved != nil {
		// The file is behind: the newest refresh token is the one it
		// could not take.
		stored, origin = s.unsaved, s.unsavedOrigin
	}

	now := s.now()
	if stored != nil && s.unsaved == nil && fresh(stored, now) && stored.AccessToken != s.rejected {
		s.log.Debug("xero: adopted access token from the token file",
			zap.String("access_token_fp", fingerprint(stored.AccessToken)), zap.Time("expiry", stored.Expiry))
		return stored, nil
	}

	rt := s.flagRT
	if stored != nil && stored.RefreshToken != "" {
		if rt != "" && rt != stored.RefreshToken {
			s.log.Debug("xero: the token file holds a newer refresh token than --refresh-token; using the file's",
				zap.String("file_refresh_token_fp", fingerprint(stored.RefreshToken)),
				zap.String("flag_refresh_token_fp", fingerprint(rt)))
		}
		rt = stored.RefreshToken
	}
	if rt == "" {
		return nil, newError(codes.Unauthenticated, nil,
			"xero: no refresh token: %q holds none and %s is empty; run `baton-xero login`",
			s.path, flagRef(flagRefreshToken))
	}

	tok, err := s.conf.TokenSource(s.ctx, &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return nil, tokenEndpointError(grantRefreshToken, s.path, err, rt, s.conf.ClientSecret)
	}
	stampExpiry(tok, s.now())
	if tok.RefreshToken == "" {
		tok.RefreshToken = rt // not rotated this time; keep the one that works
	}
	tok = clone(tok) // drop x/oauth2's raw response before keeping it
	s.rejected = ""
	if err := s.store.SaveWithOrigin(tok, origin); err != nil {
		// Xero accepts the old refresh token for 30 more minutes only, so
		// dropping the new one would soon lose the chain: keep serving
		// with it from memory and retry the save.
		s.keepUnsaved(tok, origin, err)
		return tok, nil
	}
	s.unsaved = nil
	s.log.Info("xero: refreshed access token and saved the rotated refresh token",
		zap.String("token_file", s.path),
		zap.String("old_refresh_token_fp", fingerprint(rt)),
		zap.String("refresh_token_fp", fingerprint(tok.RefreshToken)),
		zap.String("access_token_fp", fingerprint(tok.AccessToken)),
		zap.Time("expiry", tok.Expiry))
	return tok, nil
}

// chain decides which token chain to continue. The stored token wins over
// the configured --refresh-token (it is newer in the same chain) unless the
// file records that its chain grew from a different first token: then the
// configured one was given on purpose (a new login) and starts a new chain.
// A file without an origin (written by an older version) keeps winning, and
// from now on records the configured token as its origin.
func (s *refreshSource) chain(stored *oauth2.Token, origin string) (*oauth2.Token, string) {
	configured := tokenstore.Origin(s.flagRT)
	switch {
	case stored == nil || origin == "":
		if origin == "" {
			origin = configured
		}
		return stored, origin
	case configured == "" || configured == origin || s.flagRT == stored.RefreshToken:
		return stored, origin
	}
	s.log.Info("xero: a new "+flagRef(flagRefreshToken)+" was given: starting a new token chain",
		zap.String("token_file", s.path),
		zap.String("file_refresh_token_fp", fingerprint(stored.RefreshToken)),
		zap.String("flag_refresh_token_fp", fingerprint(s.flagRT)))
	return nil, configured
}

func (s *refreshSource) Invalidate(tok *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok != nil {
		s.rejected = tok.AccessToken
	}
	if s.tok != nil && (tok == nil || tok.AccessToken == s.tok.AccessToken) {
		s.rejected = s.tok.AccessToken
		s.tok = nil
	}
}

package xeroauth

// saveretry.go keeps a rotated token the token file could not take: the
// source serves with it from memory, spends its refresh token next, and
// retries the save on later token uses until the file takes it.

import (
	"context"
	"time"

	"go.uber.org/zap"
	"golang.org/x/oauth2"
)

// Save-retry policy.
const (
	// saveRetryInterval is the least time between two save attempts.
	saveRetryInterval = 5 * time.Second
	// saveLockTimeout bounds the wait for the file lock on a retry; a busy
	// lock just means trying again later.
	saveLockTimeout = time.Second
)

// keepUnsaved records tok as unsaved after err. s.mu is held.
func (s *refreshSource) keepUnsaved(tok *oauth2.Token, origin string, err error) {
	s.unsaved, s.unsavedOrigin = tok, origin
	s.nextSaveTry = s.now().Add(saveRetryInterval)
	s.log.Error("xero: could not save the rotated refresh token to the token file; the connector keeps it in memory, "+
		"keeps working and retries the save, but if it stops before a save succeeds the chain is lost and `baton-xero login` is needed: "+
		"check that the token file and its directory are writable (for example that the PersistentVolumeClaim is mounted read-write and not full)",
		zap.String("token_file", s.path), zap.Error(err),
		zap.String("refresh_token_fp", fingerprint(tok.RefreshToken)))
}

// retrySave tries again to save an unsaved token, at most once per
// saveRetryInterval. s.mu is held.
func (s *refreshSource) retrySave() {
	if s.unsaved == nil || s.now().Before(s.nextSaveTry) {
		return
	}
	s.nextSaveTry = s.now().Add(saveRetryInterval)
	ctx, cancel := context.WithTimeout(s.ctx, saveLockTimeout)
	defer cancel()
	unlock, err := s.store.Lock(ctx)
	if err != nil {
		s.log.Warn("xero: retrying to save the rotated refresh token: lock the token file", zap.String("token_file", s.path), zap.Error(err))
		return
	}
	defer func() { _ = unlock() }()
	if err := s.store.SaveWithOrigin(s.unsaved, s.unsavedOrigin); err != nil {
		s.log.Error("xero: still cannot save the rotated refresh token to the token file; check that it and its directory are writable",
			zap.String("token_file", s.path), zap.Error(err))
		return
	}
	s.log.Info("xero: saved the rotated refresh token to the token file after all",
		zap.String("token_file", s.path), zap.String("refresh_token_fp", fingerprint(s.unsaved.RefreshToken)))
	s.unsaved = nil
}

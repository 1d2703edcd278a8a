package xeroauth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

// failingStore is a real token store whose saves fail while failing is set
// (a read-only or full volume).
type failingStore struct {
	*tokenstore.Store
	failing atomic.Bool
}

func (f *failingStore) SaveWithOrigin(tok *oauth2.Token, origin string) error {
	if f.failing.Load() {
		return errors.New("open " + filepath.Dir(f.Path) + "/.token.json.tmp-1: read-only file system")
	}
	return f.Store.SaveWithOrigin(tok, origin)
}

// TestRefreshSource_SaveFails: a rotated token the file cannot take is
// kept in memory and served, the next refresh spends it (the old one is
// dead: Xero's reuse window is closed), the error names the file and the
// fix, and once the file is writable again a later token use saves the
// newest token.
func TestRefreshSource_SaveFails(t *testing.T) {
	fake, base := xerofake.NewTestServer(t, xerofake.Demo(), xerofake.Options{RefreshGrace: time.Nanosecond})
	rt0 := fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	path := filepath.Join(t.TempDir(), "token.json")
	store := &failingStore{Store: &tokenstore.Store{Path: path}}
	if err := store.Store.SaveWithOrigin(&oauth2.Token{RefreshToken: rt0}, tokenstore.Origin(rt0)); err != nil {
		t.Fatal(err)
	}
	store.failing.Store(true)
	clock := fakeapi.NewManualClock(time.Now())
	core, logs := observer.New(zap.InfoLevel)
	ts, err := NewTokenSource(context.Background(), Config{
		ClientID: "demo-web-client", ClientSecret: "demo-web-secret", RefreshToken: rt0,
		TokenFile: path, TokenURL: base + "/connect/token", Logger: zap.New(core), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	src := ts.(*refreshSource)
	src.store = store

	tok1, err := ts.Token()
	if err != nil {
		t.Fatalf("first token with a failing save: got %v, want the new token served from memory", err)
	}
	errLines := logs.FilterLevelExact(zap.ErrorLevel).FilterMessageSnippet("could not save the rotated refresh token").All()
	if len(errLines) != 1 {
		t.Fatalf("error lines about the failed save: got %d, want 1", len(errLines))
	}
	if got := errLines[0].ContextMap()["token_file"]; got != path {
		t.Errorf("error line token_file: got %v, want %s", got, path)
	}
	if !strings.Contains(errLines[0].Message, "writable") || !strings.Contains(errLines[0].Message, "PersistentVolumeClaim") {
		t.Errorf("error line %q: want the fix (check the volume is writable)", errLines[0].Message)
	}

	// The next refresh must spend the in-memory token: rt0 is dead now.
	ts.Invalidate(tok1)
	tok2, err := ts.Token()
	if err != nil {
		t.Fatalf("second refresh: got %v, want it to spend the in-memory refresh token", err)
	}
	if tok2.RefreshToken == tok1.RefreshToken || tok2.AccessToken == tok1.AccessToken {
		t.Fatalf("second refresh returned the first token again")
	}
	if saved, _ := store.Load(); saved.RefreshToken != rt0 {
		t.Fatalf("file while saves fail: want it untouched")
	}

	// Writable again: a token use after the retry interval saves it.
	store.failing.Store(false)
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	if saved, _ := store.Load(); saved.RefreshToken != rt0 {
		t.Errorf("file saved before the retry interval passed")
	}
	clock.Advance(saveRetryInterval)
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	saved, origin, err := store.LoadWithOrigin()
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken != tok2.RefreshToken {
		t.Errorf("file after the retry: got another refresh token, want the newest (fingerprint %s)", fingerprint(tok2.RefreshToken))
	}
	if origin != tokenstore.Origin(rt0) {
		t.Errorf("origin after the retry: got %q, want the chain's", origin)
	}
	if got := logs.FilterMessageSnippet("after all").Len(); got != 1 {
		t.Errorf("lines saying the save succeeded after all: got %d, want 1", got)
	}
}

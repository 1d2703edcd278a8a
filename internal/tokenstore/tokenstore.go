// Package tokenstore persists one OAuth2 token in a file so that a rotated
// refresh token survives restarts and is shared by every process that uses
// the same file.
//
// Writes are atomic (a reader sees the old file or the new one, never a
// mix) and the file is private to its owner (mode 0600, directory 0700 when
// created here). Lock serialises refreshes across processes: a refresh token
// that rotates on every use (as Xero's does) must be spent by one process at
// a time, and the new one saved before anyone else reads the file.
//
// Load, Save and Lock refuse what others could read or swap (checks.go): a
// symbolic link (opened with O_NOFOLLOW), a token file readable or writable
// by group or others, a directory others can write to, and a file over
// MaxFileSize. The lock is flock(2): it holds on local and block volumes (a
// Kubernetes PVC, ReadWriteOnce), not on NFS without lock support.
//
// Errors name the file but never include its content. Connectors and cmd may
// import this package.
package tokenstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
)

// Store is a token file. The zero value is not usable: set Path.
type Store struct {
	// Path is the token file. Its lock file is Path+".lock".
	Path string
}

// fileToken is the on-disk format. It is spelled out, rather than reusing
// oauth2.Token's JSON, so that the file holds exactly these fields.
type fileToken struct {
	AccessToken  string    `json:"access_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"` // RFC 3339
	// Origin is the fingerprint (Origin) of the first refresh token the
	// chain grew from, so a different one configured later is recognised
	// as a new chain. Files written before it existed have none.
	Origin string `json:"origin_sha256,omitempty"`
}

// Origin returns the fingerprint of the refresh token a chain starts from:
// its SHA-256 in hex. The token itself is never written as the origin.
func Origin(refreshToken string) string {
	if refreshToken == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(refreshToken))
	return hex.EncodeToString(sum[:])
}

// Load reads the token file. A missing file yields an error satisfying
// errors.Is(err, fs.ErrNotExist).
func (s *Store) Load() (*oauth2.Token, error) {
	tok, _, err := s.LoadWithOrigin()
	return tok, err
}

// LoadWithOrigin is Load, also returning the origin fingerprint recorded
// with the token ("" in files written before origins were recorded).
func (s *Store) LoadWithOrigin() (*oauth2.Token, string, error) {
	if s.Path == "" {
		return nil, "", errors.New("tokenstore: load: no path set")
	}
	b, err := openFile(s.Path)
	if err != nil {
		return nil, "", fmt.Errorf("tokenstore: load: %w", err)
	}
	var ft fileToken
	if err := json.Unmarshal(b, &ft); err != nil {
		return nil, "", fmt.Errorf("tokenstore: %s is not a valid token file (%s); delete it and log in again", s.Path, describeJSONError(err))
	}
	if ft.AccessToken == "" && ft.RefreshToken == "" {
		return nil, "", fmt.Errorf("tokenstore: %s holds neither an access token nor a refresh token; delete it and log in again", s.Path)
	}
	return &oauth2.Token{
		AccessToken:  ft.AccessToken,
		TokenType:    ft.TokenType,
		RefreshToken: ft.RefreshToken,
		Expiry:       ft.Expiry,
	}, ft.Origin, nil
}

// describeJSONError says what is wrong with the file without quoting it:
// some decoding errors echo values, and the values here are secrets.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	default:
		return "cannot decode JSON"
	}
}

// Save writes tok atomically: to a temporary file in the same directory,
// flushed to disk, made 0600 and renamed over Path; then the directory is
// flushed so the rename itself survives a crash. The directory is created
// with mode 0700 if it is missing.
func (s *Store) Save(tok *oauth2.Token) error { return s.SaveWithOrigin(tok, "") }

// SaveWithOrigin is Save, recording origin (see Origin) with the token.
func (s *Store) SaveWithOrigin(tok *oauth2.Token, origin string) (err error) {
	if s.Path == "" {
		return errors.New("tokenstore: save: no path set")
	}
	if tok == nil {
		return errors.New("tokenstore: save: nil token")
	}
	//nolint:gosec // G117: writing the token to its private file is this package's purpose
	b, err := json.MarshalIndent(fileToken{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		Origin:       origin,
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("tokenstore: save %s: encode: %w", s.Path, err)
	}
	b = append(b, '\n')

	dir := filepath.Dir(s.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("tokenstore: save %s: create directory: %w", s.Path, err)
	}
	if err := checkDir(dir); err != nil {
		return fmt.Errorf("tokenstore: save: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.Path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("tokenstore: save %s: create temporary file: %w", s.Path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("tokenstore: save %s: chmod temporary file: %w", s.Path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fmt.Errorf("tokenstore: save %s: write temporary file: %w", s.Path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("tokenstore: save %s: sync temporary file: %w", s.Path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tokenstore: save %s: close temporary file: %w", s.Path, err)
	}
	if err := os.Rename(tmpName, s.Path); err != nil {
		return fmt.Errorf("tokenstore: save %s: rename into place: %w", s.Path, err)
	}
	if err := syncDir(dir); err != nil {
		// The file is in place; only its durability across a power cut is
		// in doubt. Report it: a lost rotated refresh token means a new login.
		return fmt.Errorf("tokenstore: save %s: sync directory: %w", s.Path, err)
	}
	return nil
}

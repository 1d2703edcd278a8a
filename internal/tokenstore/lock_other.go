//go:build !unix

package tokenstore

import (
	"context"
	"errors"
	"fmt"
)

// Lock is not implemented on this platform: without it, two processes could
// spend the same refresh token. The connector runs on Linux.
func (s *Store) Lock(ctx context.Context) (unlock func() error, err error) {
	return nil, fmt.Errorf("tokenstore: lock %s.lock: %w", s.Path, errors.ErrUnsupported)
}

// syncDir is a no-op where directories cannot be opened for syncing.
func syncDir(string) error { return nil }

//go:build unix

package tokenstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// lockPollInterval is how often Lock retries a lock held by someone else.
const lockPollInterval = 50 * time.Millisecond

// Lock takes an exclusive advisory lock on Path+".lock" (flock(2)), waiting
// until it is free or ctx ends. Locks exclude each other across processes
// and across Stores in one process. The kernel drops the lock if the process
// dies. unlock releases it; calling it more than once is harmless.
//
// Hold the lock from reading the token file until the rotated token is
// saved, so no two holders spend the same refresh token.
func (s *Store) Lock(ctx context.Context) (unlock func() error, err error) {
	if s.Path == "" {
		return nil, errors.New("tokenstore: lock: no path set")
	}
	name := s.Path + ".lock"
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return nil, fmt.Errorf("tokenstore: lock %s: create directory: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tokenstore: lock %s: %w", name, err)
	}
	if err := checkDir(filepath.Dir(name)); err != nil {
		return nil, fmt.Errorf("tokenstore: lock: %w", err)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|oNoFollow, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: lock: %w", err)
	}
	var ticker *time.Ticker
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("tokenstore: lock %s: %w", name, err)
		}
		if ticker == nil {
			ticker = time.NewTicker(lockPollInterval)
			defer ticker.Stop()
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("tokenstore: wait for lock %s (held by another process using this token file): %w", name, ctx.Err())
		case <-ticker.C:
		}
	}
	var once sync.Once
	var unlockErr error
	return func() error {
		once.Do(func() {
			// Closing the descriptor releases the lock as well; unlocking
			// first makes the release explicit and reports its failure.
			if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
				unlockErr = fmt.Errorf("tokenstore: unlock %s: %w", name, err)
			}
			if err := f.Close(); err != nil && unlockErr == nil {
				unlockErr = fmt.Errorf("tokenstore: unlock %s: close: %w", name, err)
			}
		})
		return unlockErr
	}, nil
}

// syncDir flushes a directory so that a rename into it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

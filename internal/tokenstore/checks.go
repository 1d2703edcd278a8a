package tokenstore

// checks.go refuses a token file that others could read, replace or
// inflate: a symbolic link, a file readable or writable by group or others,
// a directory others can write to, or a file larger than MaxFileSize.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// MaxFileSize bounds a token file. A real one is well under 4 KiB.
const MaxFileSize = 64 << 10

// ErrInsecure is wrapped by the errors for files and directories others
// could read or change.
var ErrInsecure = errors.New("insecure token file")

// openFile opens path for reading without following a symbolic link and
// checks its permissions and size. A missing file is fs.ErrNotExist.
func openFile(path string) ([]byte, error) {
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, symlinkError(path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, symlinkError(path)
		}
		return nil, err
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInsecure, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s is readable or writable by group or others (mode %04o); run `chmod 600 %s`",
			ErrInsecure, path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d KiB, which no token file is; delete it and log in again", path, MaxFileSize>>10)
	}
	return b, nil
}

func symlinkError(path string) error {
	return fmt.Errorf("%w: %s is a symbolic link; point --xero-token-store at the real file instead", ErrInsecure, path)
}

// checkDir refuses a directory that someone else could put a file into
// (writable by others, or by its group unless it is set-group-ID): they
// could swap the token file. A directory that is only readable by others
// (a working directory, 0755) is accepted: the file itself is 0600. A
// set-group-ID, group-writable directory is what a Kubernetes volume with
// fsGroup looks like (2770, group = the pod's own group), so it passes.
// A missing directory passes (Save creates it 0700).
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	perm := fi.Mode().Perm()
	if perm&0o002 != 0 || (perm&0o020 != 0 && fi.Mode()&fs.ModeSetgid == 0) {
		return fmt.Errorf("%w: directory %s of the token file is writable by group or others (mode %04o); run `chmod 700 %s`",
			ErrInsecure, dir, perm, dir)
	}
	return nil
}

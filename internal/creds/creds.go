// Package creds loads connector secrets (client secrets, API keys) from
// either a flag value or a file. The file form is for Kubernetes, where a
// Secret mounted as a volume keeps the value out of the process environment.
//
// The value of a secret never appears in an error this package returns: errors
// name the flag, its environment variable and the file path, and say what to
// change. Connectors and cmd may import it.
package creds

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxFileSize bounds how much of a secret file is read. Secrets are short;
// a larger file is almost certainly the wrong path.
const maxFileSize = 64 << 10

// Source describes where one secret may come from.
type Source struct {
	// Name is the flag name, for example "xero-client-secret". The file
	// flag is Name+"-file"; environment variables follow EnvName.
	Name string
	// Value comes from the flag or its BATON_* environment variable (the
	// SDK merges those before the connector sees them).
	Value string
	// File is the path from the Name+"-file" flag.
	File string
	// Required makes a missing secret an error.
	Required bool
}

// EnvName returns the environment variable the SDK reads for a flag:
// "BATON_" followed by the flag name in upper snake case
// ("xero-client-secret" → "BATON_XERO_CLIENT_SECRET").
func EnvName(flag string) string {
	return "BATON_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(flag))
}

// Secret returns the secret s describes. At most one of s.Value and s.File
// may be set. A file's content is trimmed of surrounding whitespace, and an
// empty file is an error. A secret that is not required and not set yields
// "" and no error.
func Secret(s Source) (string, error) {
	if s.Name == "" {
		return "", errors.New("creds: secret source has no name")
	}
	switch {
	case s.Value != "" && s.File != "":
		return "", fmt.Errorf("%s: set %s or %s, not both", s.Name, s.flagRef(), s.fileFlagRef())
	case s.Value != "":
		return s.Value, nil
	case s.File != "":
		return s.readFile()
	case s.Required:
		return "", fmt.Errorf("%s is required: set %s or %s", s.Name, s.flagRef(), s.fileFlagRef())
	default:
		return "", nil
	}
}

func (s Source) readFile() (string, error) {
	f, err := os.Open(s.File)
	if err != nil {
		return "", fmt.Errorf("%s: open %s file %q: %w", s.Name, s.fileFlagRef(), s.File, osCause(err))
	}
	defer func() { _ = f.Close() }()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return "", fmt.Errorf("%s: read %s file %q: %w", s.Name, s.fileFlagRef(), s.File, osCause(err))
	}
	if len(b) > maxFileSize {
		return "", fmt.Errorf("%s: file %q from %s is larger than %d bytes; point it at the file that holds only the secret",
			s.Name, s.File, s.fileFlagRef(), maxFileSize)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("%s: file %q from %s is empty; put the secret in it or set %s instead",
			s.Name, s.File, s.fileFlagRef(), s.flagRef())
	}
	return v, nil
}

// osCause strips the *fs.PathError wrapper, whose message repeats the path
// the caller already names, while keeping errors.Is(err, fs.ErrNotExist).
func osCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (s Source) flagRef() string {
	return fmt.Sprintf("--%s (%s)", s.Name, EnvName(s.Name))
}

func (s Source) fileFlagRef() string {
	return fmt.Sprintf("--%s-file (%s)", s.Name, EnvName(s.Name+"-file"))
}

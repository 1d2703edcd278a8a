//go:build !unix

package tokenstore

// oNoFollow is not available here; checkFile still refuses a symlink by
// Lstat, with a race the unix build does not have.
const oNoFollow = 0

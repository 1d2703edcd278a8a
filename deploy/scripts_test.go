package deploy_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScripts_Shellcheck runs shellcheck on every scripts/*.sh (make demo's
// driver among them); a script with an unquoted variable proves shellcheck
// really reports.
func TestScripts_Shellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Fatal("shellcheck is not on PATH (apt-get install shellcheck; .ci/run does)")
	}
	scripts, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("scripts/*.sh: got %v (%v), want at least demo.sh", scripts, err)
	}
	run := func(files ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "shellcheck", append([]string{"--external-sources", "--"}, files...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := run(scripts...); err != nil {
		t.Errorf("shellcheck %v: %v\n%s", scripts, err, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.sh")
	if err := os.WriteFile(bad, []byte("#!/usr/bin/env bash\nrm -rf $DIR/*\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(bad); err == nil || !strings.Contains(out, "SC2086") {
		t.Errorf("shellcheck on an unquoted variable: got %v\n%s\nwant finding SC2086", err, out)
	}
}

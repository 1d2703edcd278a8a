package deploy_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

type workflow struct {
	Permissions any            `json:"permissions"`
	Jobs        map[string]job `json:"jobs"`
}

type job struct {
	Permissions any    `json:"permissions"`
	Steps       []step `json:"steps"`
}

type step struct {
	ID   string            `json:"id"`
	Uses string            `json:"uses"`
	Run  string            `json:"run"`
	Env  map[string]string `json:"env"`
}

func loadWorkflow(t *testing.T, path string) workflow {
	t.Helper()
	var w workflow
	if err := yaml.Unmarshal([]byte(readFile(t, path)), &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return w
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows (%v)", err)
	}
	return files
}

func actionlint(t *testing.T, files ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "actionlint", "-no-color"}, files...)...)
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestWorkflows_Actionlint runs actionlint (pinned in go.mod) on every
// workflow, with shellcheck checking the run: blocks. A broken workflow
// proves shellcheck is really in play.
func TestWorkflows_Actionlint(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Fatal("shellcheck is not on PATH: actionlint would skip the run: blocks (apt-get install shellcheck; .ci/run does)")
	}
	if out, err := actionlint(t, workflowFiles(t)...); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: rm -rf $DIR/*\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := actionlint(t, bad)
	if err == nil || !strings.Contains(out, "shellcheck") {
		t.Fatalf("actionlint on an unquoted variable: got %v\n%s\nwant a shellcheck finding", err, out)
	}
}

var pinned = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)

// TestWorkflows_PinnedAndLeastPrivilege: every action is pinned by commit,
// the default token is read-only (or nothing), and in the release workflow
// every job names the permissions it needs.
func TestWorkflows_PinnedAndLeastPrivilege(t *testing.T) {
	for _, f := range workflowFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			w := loadWorkflow(t, f)
			switch p := w.Permissions.(type) {
			case map[string]any:
				for k, v := range p {
					if v != "read" && v != "none" {
						t.Errorf("top-level permission %s: got %v, want read or none", k, v)
					}
				}
			case nil:
				t.Error("no top-level permissions: want contents: read or {}")
			default:
				t.Errorf("top-level permissions: got %v, want a map", p)
			}
			release := strings.HasPrefix(filepath.Base(f), "release")
			for name, j := range w.Jobs {
				if release && j.Permissions == nil {
					t.Errorf("job %s: no permissions, want the minimum it needs", name)
				}
				for _, s := range j.Steps {
					if s.Uses != "" && !pinned.MatchString(s.Uses) {
						t.Errorf("job %s: uses %q, want owner/repo@<40-hex commit>", name, s.Uses)
					}
				}
			}
		})
	}
}

// TestWorkflows_NameNoConnector: the Makefile and the workflows find
// connectors in the tree; naming one would mean an edit per connector.
func TestWorkflows_NameNoConnector(t *testing.T) {
	files := append(workflowFiles(t), filepath.Join(root, "Makefile"))
	for _, name := range discoverConnectors(t, root) {
		re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
		for _, f := range files {
			if loc := re.FindIndex([]byte(readFile(t, f))); loc != nil {
				t.Errorf("%s names the connector %q: want discovery by glob", f, name)
			}
		}
	}
}

// runStep runs a workflow step's script as GitHub does (bash -e -o
// pipefail) in dir, and returns what it wrote to $GITHUB_OUTPUT.
func runStep(t *testing.T, dir string, s step, env ...string) (map[string]string, error) {
	t.Helper()
	outFile := filepath.Join(t.TempDir(), "output")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", s.Run)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "GITHUB_OUTPUT="+outFile)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return nil, &stepError{err, buf.String()}
	}
	out := map[string]string{}
	b, _ := os.ReadFile(outFile)
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			out[k] = v
		}
	}
	return out, nil
}

type stepError struct {
	err    error
	output string
}

func (e *stepError) Error() string { return e.err.Error() + ": " + e.output }

func findStep(t *testing.T, w workflow, jobName, id string) step {
	t.Helper()
	for _, s := range w.Jobs[jobName].Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s in job %s", id, jobName)
	return step{}
}

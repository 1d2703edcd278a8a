package c1fake

// run.go: the fake as a standalone process for `make demo` (cmd/c1-fake):
// it writes per-run credentials and its CA for a connector to use, hands
// that connector a script of tasks (full sync, grant) and prints what came
// back in plain words, then exits.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/accessgov/baton-connectors/internal/demo"
)

// Defaults of Run's flags.
const (
	DefaultRunTasks       = "sync,grant,sync"
	DefaultRunTaskTimeout = 2 * time.Minute
	// DefaultGrantAttempts is how many grant candidates Run tries before
	// it gives up (a connector may refuse some entitlements on a
	// provisionable type, such as Workato's per-project roles).
	DefaultGrantAttempts = 3
)

// Ready is what Run writes to --ready-file once it serves: where it is and
// where its files are, never the secret itself.
type Ready struct {
	Host    string `json:"host"`
	CAFile  string `json:"ca_file"`
	EnvFile string `json:"env_file"`
}

// runConfig is Run's parsed flags.
type runConfig struct {
	dir, envFile, readyFile, name, capabilities string
	tasks                                       []string
	timeout                                     time.Duration
	healthCheck                                 bool
}

// Run serves a fake ConductorOne until its task script is done or ctx
// ends. Flags: --dir (uploads and the CA), --env-file (written 0600:
// BATON_CLIENT_ID, BATON_CLIENT_SECRET, BATON_C1_API_HOST, SSL_CERT_FILE),
// --ready-file, --name, --capabilities (the connector's
// baton_capabilities.json: a grant task is handed out only for resource
// types with CAPABILITY_PROVISION), --tasks (comma-separated sync and
// grant), --task-timeout.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseRun(args)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.dir, 0o700); err != nil {
		return fmt.Errorf("c1-fake: %w", err)
	}
	s, err := New(Options{Dir: cfg.dir})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	cred, err := s.NewCredential(cfg.name)
	if err != nil {
		return err
	}
	env := s.Env(cred)
	healthPort := 0
	if cfg.healthCheck {
		if healthPort, err = freePort(); err != nil {
			return err
		}
		// The Deployment's variables; the SDK's default bind address
		// (127.0.0.1) is right here.
		env = append(env, "BATON_HEALTH_CHECK=true", fmt.Sprintf("BATON_HEALTH_CHECK_PORT=%d", healthPort))
	}
	if err := writePrivate(cfg.envFile, []byte(strings.Join(env, "\n")+"\n")); err != nil {
		return fmt.Errorf("c1-fake: env file: %w", err)
	}
	ready, err := json.Marshal(Ready{Host: s.Host(), CAFile: s.CAFile(), EnvFile: cfg.envFile})
	if err != nil {
		return fmt.Errorf("c1-fake: %w", err)
	}
	if err := writePrivate(cfg.readyFile, ready); err != nil {
		return fmt.Errorf("c1-fake: ready file: %w", err)
	}
	provisionable, err := provisionableTypes(cfg.capabilities)
	if err != nil {
		return err
	}
	r := &runner{s: s, cfg: cfg, out: stdout, provisionable: provisionable, healthPort: healthPort}
	return r.run(ctx)
}

func parseRun(args []string) (runConfig, error) {
	fs := flag.NewFlagSet("c1-fake", flag.ContinueOnError)
	var c runConfig
	var tasks string
	fs.StringVar(&c.dir, "dir", "", "directory for the CA and the uploads (created 0700)")
	fs.StringVar(&c.envFile, "env-file", "", "where to write the connector's service-mode environment (0600)")
	fs.StringVar(&c.readyFile, "ready-file", "", "written once the fake serves (JSON: host, ca_file, env_file)")
	fs.StringVar(&c.name, "name", "demo", "the client name in BATON_CLIENT_ID")
	fs.StringVar(&c.capabilities, "capabilities", "", "the connector's baton_capabilities.json (grant tasks only for provisionable types)")
	fs.StringVar(&tasks, "tasks", DefaultRunTasks, "comma-separated task script: sync, grant")
	fs.DurationVar(&c.timeout, "task-timeout", DefaultRunTaskTimeout, "how long one task may take")
	fs.BoolVar(&c.healthCheck, "health-check", false, "also turn on the connector's health check (BATON_HEALTH_CHECK, a free loopback port) and show what it answers")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.dir == "" || c.envFile == "" || c.readyFile == "" {
		return c, errors.New("c1-fake: --dir, --env-file and --ready-file are required")
	}
	for _, t := range strings.Split(tasks, ",") {
		if t = strings.TrimSpace(t); t != "sync" && t != "grant" {
			return c, fmt.Errorf("c1-fake: --tasks: unknown task %q (want sync or grant)", t)
		}
		c.tasks = append(c.tasks, strings.TrimSpace(t))
	}
	return c, nil
}

// writePrivate writes b to path readable by its owner only.
func writePrivate(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // an existing file keeps its mode
		return err
	}
	return os.Rename(tmp, path)
}

// provisionableTypes reads the resource types with CAPABILITY_PROVISION
// from a baton_capabilities.json; "" means none.
func provisionableTypes(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("c1-fake: capabilities: %w", err)
	}
	var caps struct {
		ResourceTypeCapabilities []struct {
			ResourceType struct {
				ID string `json:"id"`
			} `json:"resourceType"`
			Capabilities []string `json:"capabilities"`
		} `json:"resourceTypeCapabilities"`
	}
	if err := json.Unmarshal(b, &caps); err != nil {
		return nil, fmt.Errorf("c1-fake: capabilities %s: %w", path, err)
	}
	var out []string
	for _, rt := range caps.ResourceTypeCapabilities {
		if slices.Contains(rt.Capabilities, "CAPABILITY_PROVISION") {
			out = append(out, rt.ResourceType.ID)
		}
	}
	return out, nil
}

type runner struct {
	s             *Server
	cfg           runConfig
	out           io.Writer
	provisionable []string
	healthPort    int        // the connector's health check port; 0: off
	last          *demo.Sync // the latest uploaded sync
	granted       *v2.Grant  // the latest grant a grant task answered
	n             int        // tasks handed out
}

func (r *runner) printf(format string, args ...any) { _, _ = fmt.Fprintf(r.out, format, args...) }

func (r *runner) run(ctx context.Context) error {
	r.printf("  fake ConductorOne on %s (TLS, its own CA); per-run client credentials in %s (0600)\n",
		r.s.Host(), filepath.Base(r.cfg.envFile))
	skipSync := false
	for _, t := range r.cfg.tasks {
		var err error
		switch {
		case t == "sync" && skipSync:
			skipSync = false // nothing changed since the last one
		case t == "sync":
			err = r.sync(ctx)
		case t == "grant" && len(r.provisionable) == 0:
			r.printf("  no grant task: the connector provisions nothing (its capabilities list no CAPABILITY_PROVISION)\n")
			skipSync = true
		case t == "grant":
			err = r.grant(ctx)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) wait(ctx context.Context, id string) (Finish, time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.timeout)
	defer cancel()
	f, err := r.s.WaitFinished(ctx, id)
	return f, time.Since(start), err
}

func (r *runner) sync(ctx context.Context) error {
	r.n++
	id := r.s.Enqueue(SyncTask())[0]
	f, took, err := r.wait(ctx, id)
	if err != nil {
		return err
	}
	if len(r.s.Hellos()) > 0 && r.n == 1 {
		h := r.s.Hellos()[0]
		r.printf("  the connector said Hello: %s %s\n", h.GetConnectorMetadata().GetDisplayName(), h.GetBuildInfo().GetPackageVersion())
		if r.healthPort != 0 {
			if err := r.health(ctx); err != nil {
				return err
			}
		}
	}
	if !f.OK {
		return fmt.Errorf("c1-fake: task %d (full sync): %s", r.n, f)
	}
	path, err := r.s.C1Z(id)
	if err != nil {
		return err
	}
	var size int64
	chunks := 0
	for _, u := range r.s.Uploads(id) {
		if u.Path == path {
			size, chunks = u.Size, u.Chunks
		}
	}
	r.printf("  task %d, full sync: finished OK in %.1fs, %s; uploaded a c1z of %d KiB in %s (sha256 checked)\n",
		r.n, took.Seconds(), plural(r.s.Heartbeats(id), "heartbeat"), (size+1023)/1024, plural(chunks, "chunk"))
	sy, err := demo.Read(ctx, path)
	if err != nil {
		return err
	}
	delta := ""
	if r.last != nil && len(sy.Grants) != len(r.last.Grants) {
		delta = fmt.Sprintf(" (%+d since the last upload)", len(sy.Grants)-len(r.last.Grants))
	}
	r.printf("    it holds %s%s\n", sy.OneLine(), delta)
	if g := r.granted; g != nil {
		listed := false
		for _, h := range sy.Grants {
			if h.GetEntitlement().GetId() == g.GetEntitlement().GetId() && demo.Key(h.GetPrincipal().GetId()) == demo.Key(g.GetPrincipal().GetId()) {
				listed = true
			}
		}
		if !listed {
			return fmt.Errorf("c1-fake: task %d: the granted %s is not in the next sync", r.n, sy.Describe(g))
		}
		r.printf("  this sync lists the new grant: %s\n", sy.Describe(g))
	}
	r.last = sy
	return nil
}

func (r *runner) grant(ctx context.Context) error {
	if r.last == nil {
		return errors.New("c1-fake: a grant task needs a sync task before it")
	}
	cands := r.last.GrantCandidates(r.provisionable)
	if len(cands) == 0 {
		return fmt.Errorf("c1-fake: the sync holds no grantable entitlement on %v", r.provisionable)
	}
	for i, c := range cands[:min(len(cands), DefaultGrantAttempts)] {
		r.n++
		what, on := r.last.EntitlementName(c.Entitlement)
		ask := fmt.Sprintf("%s to hold %s in %s", c.Principal.GetDisplayName(), what, on)
		id := r.s.Enqueue(GrantTask(c.Entitlement, c.Principal))[0]
		f, took, err := r.wait(ctx, id)
		if err != nil {
			return err
		}
		if !f.OK {
			r.printf("  task %d, grant (%s): refused: %s\n", r.n, ask, Reason(f.Message))
			if i+1 < min(len(cands), DefaultGrantAttempts) {
				continue
			}
			return fmt.Errorf("c1-fake: every grant task was refused")
		}
		var resp v2.GrantManagerServiceGrantResponse
		if err := f.UnmarshalResponse(&resp); err != nil {
			return err
		}
		r.printf("  task %d, grant (%s): finished OK in %.1fs\n", r.n, ask, took.Seconds())
		for _, g := range resp.GetGrants() {
			r.printf("    granted: %s\n", r.last.Describe(g))
			r.granted = g
		}
		if r.granted == nil {
			return fmt.Errorf("c1-fake: task %d: the grant task answered no grant", r.n)
		}
		return nil
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Reason is the innermost message of an error as the SDK reports a failed
// task: the first line, without the "rpc error: code = … desc = "
// prefixes each layer adds.
func Reason(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	for {
		i := strings.Index(msg, " desc = ")
		if !strings.HasPrefix(msg, "rpc error: ") && !strings.Contains(msg, ": rpc error: ") || i < 0 {
			return msg
		}
		msg = msg[i+len(" desc = "):]
	}
}

// freePort is a loopback TCP port free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("c1-fake: free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// health prints what the connector's health check answers on /live and
// /ready, the paths the Deployment's probes use.
func (r *runner) health(ctx context.Context) error {
	for _, path := range []string{"/live", "/ready"} {
		url := fmt.Sprintf("http://127.0.0.1:%d%s", r.healthPort, path)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("c1-fake: health check: %w", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("c1-fake: the connector's health check (BATON_HEALTH_CHECK_PORT=%d): %w", r.healthPort, err)
		}
		var body struct {
			Status string `json:"status"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		_ = resp.Body.Close()
		if err != nil {
			return fmt.Errorf("c1-fake: health check %s: %w", path, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("c1-fake: health check %s: got %d %q, want 200", path, resp.StatusCode, body.Status)
		}
		r.printf("  its health check (the Deployment's probes): GET %s -> %d %q\n", path, resp.StatusCode, body.Status)
	}
	return nil
}

package connectortest

// probe.go: a loopback endpoint inside the connector process that reports
// its goroutine count and live heap, so long-run tests can check that
// neither grows sync after sync. Test code only: the connector under test
// is the test binary (MainAs), and its test package starts the probe.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ProbeDirEnv names the directory where each connector process started
// with it writes the address of its probe (one file per process ID).
const ProbeDirEnv = "CONNECTORTEST_PROBE_DIR"

// Probe roles: the SDK's service-mode runner (task manager, syncer,
// uploads) and its re-executed _connector-service child (the connector's
// own code, caches and HTTP clients).
const (
	RoleRunner  = "runner"
	RoleService = "service"
)

// ProbeSample is one process's state after a forced GC.
type ProbeSample struct {
	PID        int    `json:"pid"`
	Role       string `json:"role"`
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heap_alloc"` // live heap bytes after runtime.GC()
}

// String is a one-line summary for logs.
func (p ProbeSample) String() string {
	return fmt.Sprintf("%s pid %d: %d goroutines, heap %.1f MiB", p.Role, p.PID, p.Goroutines, float64(p.HeapAlloc)/(1<<20))
}

// ServeProbe starts the probe when ProbeDirEnv is set, and does nothing
// otherwise. Call it in the connector process before its main (from an
// init of the test package, guarded by the marker). Failures only print:
// a probe must never change whether the connector runs.
func ServeProbe() {
	dir := os.Getenv(ProbeDirEnv)
	if dir == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "connectortest probe: listen: %v\n", err)
		return
	}
	role := RoleRunner
	if slices.Contains(os.Args[1:], "_connector-service") {
		role = RoleService
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ProbeSample{PID: os.Getpid(), Role: role, Goroutines: runtime.NumGoroutine(), HeapAlloc: ms.HeapAlloc})
	})}
	go func() { _ = srv.Serve(ln) }()
	name := filepath.Join(dir, strconv.Itoa(os.Getpid())+".addr")
	if err := os.WriteFile(name+".tmp", []byte(ln.Addr().String()), 0o600); err == nil {
		_ = os.Rename(name+".tmp", name)
	}
}

// ReadProbes asks every live probe in dir for a sample, sorted by role and
// PID. Probes that do not answer (processes that exited) are skipped.
func ReadProbes(dir string) ([]ProbeSample, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.addr"))
	if err != nil {
		return nil, fmt.Errorf("probes: %w", err)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var out []ProbeSample
	for _, n := range names {
		addr, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		resp, err := client.Get("http://" + strings.TrimSpace(string(addr)) + "/")
		if err != nil {
			continue // the process is gone
		}
		var s ProbeSample
		err = json.NewDecoder(resp.Body).Decode(&s)
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("probe %s: %w", n, err)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b ProbeSample) int {
		if c := strings.Compare(a.Role, b.Role); c != 0 {
			return c
		}
		return a.PID - b.PID
	})
	return out, nil
}

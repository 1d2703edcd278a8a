package connectortest

// c1faults.go: the ConductorOne-side faults every connector's service mode
// must ride out, and the stop signals, shared by the connectors' tests.

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// C1Faults stages, against a connector serving c1 as svc (started with
// c1fake.Options{TokenLifetime: C1FaultTokenLifetime}), ConductorOne being
// unavailable for a while, an upload cut off, and the token endpoint
// failing when the access token has to be renewed; after each, syncOK must
// run one sync task and check its upload is exact.
func C1Faults(t *testing.T, c1 *c1fake.Server, svc *Service, syncOK func(t *testing.T, what string)) {
	t.Helper()
	t.Run("gRPC unavailable", func(t *testing.T) {
		// The runner backs off errCount² seconds after each failed
		// GetTask (pkg/connectorrunner/runner.go, backoff): three in a row
		// are 1+4+9 s of ConductorOne being away.
		const n = 3
		before := unavailable(c1)
		c1.FailRPCs(n)
		WaitFor(t, svc, "the faults spent", func() bool { return unavailable(c1)-before >= n })
		syncOK(t, "sync after Unavailable")
		if got := unavailable(c1) - before; got != n {
			t.Errorf("calls answered Unavailable: got %d, want %d", got, n)
		}
		MustContain(t, "stderr", svc.Stderr(), "runner: error getting next task")
	})
	t.Run("upload cut off", func(t *testing.T) {
		fails := c1.UploadFailures()
		c1.CutNextUpload()
		syncOK(t, "sync with a cut upload")
		if got := c1.UploadFailures() - fails; got != 1 {
			t.Errorf("uploads lost: got %d, want 1 (the cut must happen, once)", got)
		}
	})
	t.Run("token endpoint failing after startup", func(t *testing.T) {
		// The fake's tokens live faultTokenLifetime, so the SDK renews one
		// every few seconds; ExpireTokens also voids the current one on
		// the server. The next renewals fail 503, which the SDK's token
		// source turns into Unauthenticated (pkg/ugrpc/
		// c1_credential_provider.go, Token); the runner logs the failed
		// GetTask, backs off and tries again, so it recovers.
		const n = 2
		before := len(c1.TokenAttempts())
		c1.ExpireTokens()
		c1.FailTokens(n)
		WaitFor(t, svc, "the token faults spent", func() bool { return refused(c1.TokenAttempts()[before:]) >= n })
		syncOK(t, "sync after token failures")
		atts := c1.TokenAttempts()[before:]
		if got := refused(atts); got != n || atts[len(atts)-1].Status != http.StatusOK {
			t.Errorf("token attempts after the expiry: got %+v, want %d refused with 503, then tokens issued", atts, n)
		}
		MustContain(t, "stderr", svc.Stderr(), "failed to get token: 503")
		t.Logf("token endpoint: %d attempts after the expiry, %d refused; the process kept serving", len(atts), refused(atts))
	})
}

// C1FaultTokenLifetime is the ConductorOne access-token lifetime of the
// fault test: the SDK's oauth2 source renews 10 s before expiry, so a
// 11 s token is renewed about every second and the token endpoint is met
// mid-run, not only at startup.
const C1FaultTokenLifetime = 11 * time.Second

// refused counts token attempts answered 503.
func refused(atts []c1fake.TokenAttempt) int {
	n := 0
	for _, a := range atts {
		if a.Status == http.StatusServiceUnavailable {
			n++
		}
	}
	return n
}

// waitFor polls cond for up to 30 s, failing t if it never holds or the
// connector exits.
func WaitFor(t *testing.T, svc *Service, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		select {
		case <-svc.Done():
			t.Fatalf("connector exited waiting for %s\nstderr:\n%s", what, Tail(svc.Stderr(), 3000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not within 30s\nstderr:\n%s", what, Tail(svc.Stderr(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unavailable counts the calls c1 answered Unavailable, of any method.
func unavailable(c1 *c1fake.Server) int {
	n := 0
	for _, r := range c1.RPCs() {
		if r.Code == codes.Unavailable {
			n++
		}
	}
	return n
}

// StopSignals are the two ways a service-mode connector is stopped, and
// the exit baton-sdk v0.25.0 gives each: it handles only SIGINT
// (pkg/connectorrunner/runner.go, connectorRunner.Run: signal.Notify(…,
// os.Interrupt) cancels the run, and handleContextCancel swallows that,
// exit 0); SIGTERM, which Kubernetes sends, is not caught, so Go's
// default action ends the process at once (ExitCode -1: killed by the
// signal) and the _connector-service child follows when its stdin
// closes.
var StopSignals = []struct {
	Sig      syscall.Signal
	WantExit int
}{
	{syscall.SIGINT, 0},
	{syscall.SIGTERM, -1},
}

// C1MalformedCredentials: a client ID without "@" or a client secret not of
// the form <a>:<b>:v1:<jwk> ends the connector within seconds, non-zero,
// saying which credential is wrong; no token request is made. start runs
// the connector against a fresh fake ConductorOne with its credential made
// bad by bad, and returns both.
func C1MalformedCredentials(t *testing.T, start func(t *testing.T, bad func(c1fake.Credential) c1fake.Credential) (*c1fake.Server, *Service)) {
	t.Helper()
	tests := []struct {
		name string
		bad  func(c1fake.Credential) c1fake.Credential
		want []string
	}{
		{"client ID without @", func(c c1fake.Credential) c1fake.Credential {
			return c1fake.Credential{ClientID: strings.ReplaceAll(c.ClientID, "@", "-"), Secret: c.Secret}
		}, []string{"error creating connector runner", "invalid client id"}},
		{"client secret not v1", func(c c1fake.Credential) c1fake.Credential {
			return c1fake.Credential{ClientID: c.ClientID, Secret: strings.Replace(c.Secret, ":v1:", ":v9:", 1)}
		}, []string{"error creating connector runner", "invalid client secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c1, svc := start(t, tt.bad)
			res, exited := svc.Wait(30 * time.Second)
			if !exited {
				t.Fatalf("connector still runs after 30s\nstderr:\n%s", Tail(svc.Stderr(), 3000))
			}
			if res.ExitCode == 0 {
				t.Fatalf("exit code: got 0, want non-zero")
			}
			MustContain(t, "stderr", res.Stderr, tt.want...)
			if res.Duration > 15*time.Second {
				t.Errorf("took %s to fail, want seconds", res.Duration)
			}
			if n := len(c1.Hellos()); n != 0 {
				t.Errorf("hellos: got %d, want 0", n)
			}
			if n := len(c1.TokenAttempts()); n != 0 {
				t.Errorf("token requests: got %d, want 0 (a malformed credential is refused before any)", n)
			}
			t.Logf("exit %d after %s; stderr ends:\n%s", res.ExitCode, res.Duration.Round(time.Millisecond), Tail(res.Stderr, 1000))
		})
	}
}

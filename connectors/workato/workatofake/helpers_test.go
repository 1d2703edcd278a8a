package workatofake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

var t0 = time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)

// timeRE is Workato's timestamp form: milliseconds and a local offset.
var timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$`)

// manualServer starts ws on the us host with a ManualClock.
func manualServer(t *testing.T, ws Workspace, opts Options) (*Server, string, *fakeapi.ManualClock) {
	t.Helper()
	clk := fakeapi.NewManualClock(t0)
	opts.Clock = clk
	s, base := NewTestServer(t, ws, opts, "us")
	return s, base, clk
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends method to target with the bearer token (none when empty) and
// body (JSON-encoded unless it is a string or nil).
func call(t *testing.T, method, target, token string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func get(t *testing.T, target, token string) response {
	t.Helper()
	return call(t, http.MethodGet, target, token, nil)
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return v
}

// message returns the "message" of an error body.
func message(t *testing.T, r response) string {
	t.Helper()
	return decode[messageBody](t, r.body).Message
}

type membersEnvelope struct {
	Data  []memberJSON `json:"data"`
	Total int          `json:"total"`
}

type memberEnvelope struct {
	Data memberJSON `json:"data"`
}

type privilegesEnvelope struct {
	Data  []privilegesJSON `json:"data"`
	Total int              `json:"total"`
}

// rolesOf renders a member's roles as "env:name:type" strings.
func rolesOf(m memberJSON) []string {
	out := []string{}
	for _, r := range m.Roles {
		out = append(out, r.EnvironmentType+":"+r.RoleName+":"+r.RoleType)
	}
	return out
}

func memberByID(ws Workspace, id int) (Member, bool) {
	for _, m := range ws.Members {
		if m.ID == id {
			return m, true
		}
	}
	return Member{}, false
}

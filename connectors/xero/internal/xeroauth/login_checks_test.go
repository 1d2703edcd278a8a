package xeroauth

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckRedirect: an error= redirect ends the login only with this
// attempt's state (a forged one is ignored, not reported as Xero's error),
// and what Xero sent is printed without control characters.
func TestCheckRedirect(t *testing.T) {
	const state = "STATE-1"
	tests := []struct {
		name       string
		q          url.Values
		wantReject bool
		wantErr    string // arrival error contains
		wantCode   string
	}{
		{name: "code with state", q: url.Values{"code": {"c1"}, "state": {state}}, wantCode: "c1"},
		{name: "code without state", q: url.Values{"code": {"c1"}}, wantReject: true},
		{name: "error with state", q: url.Values{"error": {"access_denied"}, "state": {state}}, wantErr: "access was denied"},
		{name: "error with a wrong state", q: url.Values{"error": {"access_denied"}, "state": {"forged"}}, wantReject: true},
		{name: "error without state", q: url.Values{"error": {"server_error"}}, wantReject: true},
		{
			name: "control characters stripped", wantErr: "Xero returned error=server_error",
			q: url.Values{"error": {"server_error\x1b[2J"}, "error_description": {"line\r\x1b]0;pwned\x07 \u202eevil"}, "state": {state}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, reject := checkRedirect(tt.q, state)
			if (reject != nil) != tt.wantReject {
				t.Fatalf("reject: got %v, want rejected %v", reject, tt.wantReject)
			}
			if tt.wantReject {
				return
			}
			if a.code != tt.wantCode {
				t.Errorf("code: got %q, want %q", a.code, tt.wantCode)
			}
			if tt.wantErr == "" {
				if a.err != nil {
					t.Errorf("err: got %v, want none", a.err)
				}
				return
			}
			if a.err == nil || !strings.Contains(a.err.Error(), tt.wantErr) {
				t.Fatalf("err: got %v, want it to contain %q", a.err, tt.wantErr)
			}
			if strings.ContainsAny(a.err.Error(), "\x1b\r\x07\u202e") {
				t.Errorf("err %q holds control characters", a.err)
			}
		})
	}
}

// TestLogin_Loopback: the redirect URI and the listener must be loopback.
func TestLogin_Loopback(t *testing.T) {
	tests := []struct {
		name, redirect, listen string
		want                   string
	}{
		{name: "remote redirect URI", redirect: "https://login.example.com:8080", want: "redirect URI"},
		{name: "LAN IP redirect URI", redirect: "https://192.168.1.5:8080", want: "loopback"},
		{name: "listen on every interface", redirect: "https://localhost:8080", listen: ":8080", want: "--listen"},
		{name: "listen on a LAN IP", redirect: "https://localhost:8080", listen: "10.0.0.2:8080", want: "--listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Login(context.Background(), LoginConfig{
				ClientID: "id", ClientSecret: "SECRET-X", TokenFile: filepath.Join(t.TempDir(), "t.json"),
				RedirectURI: tt.redirect, ListenAddr: tt.listen,
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "loopback") {
				t.Fatalf("Login: got %v, want a loopback error naming %q", err, tt.want)
			}
		})
	}
}

package baseurl

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    string
		wantErr bool
	}{
		{name: "https host", raw: "https://api.xero.com/", want: "https://api.xero.com"},
		{name: "https with path", raw: "https://example.com/base/", want: "https://example.com/base"},
		{name: "http loopback v4", raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "http loopback range", raw: "http://127.1.2.3:1", want: "http://127.1.2.3:1"},
		{name: "http localhost", raw: "http://localhost:9", want: "http://localhost:9"},
		{name: "http loopback v6", raw: "http://[::1]:9", want: "http://[::1]:9"},
		{name: "http remote refused", raw: "http://api.xero.com", wantErr: true},
		{name: "http private refused", raw: "http://10.0.0.1", wantErr: true},
		{name: "other scheme", raw: "ftp://x", wantErr: true},
		{name: "no host", raw: "api.xero.com", wantErr: true},
		{name: "userinfo", raw: "https://u:p@x.com", wantErr: true},
		{name: "query", raw: "https://x.com/?a=b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("xero-api-url", tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q): got error %v, want error %v", tt.raw, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q): got %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

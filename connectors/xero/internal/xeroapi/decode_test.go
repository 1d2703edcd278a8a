package xeroapi

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // "" for success
	}{
		{name: "good", body: `{"Users":[{"UserID":"u1","IsSubscriber":true,"UpdatedDateUTC":"/Date(1508523261613+0000)/"}]}`},
		{name: "bool as string", body: `{"Users":[{"UserID":"u1"},{"UserID":"u2","IsSubscriber":"yes"}]}`, want: "field Users[1].IsSubscriber"},
		{name: "date as number", body: `{"Users":[{"UserID":"u1","UpdatedDateUTC":5}]}`, want: "field Users[0].UpdatedDateUTC"},
		{name: "string as number", body: `{"Users":[{"UserID":7}]}`, want: "field Users[0].UserID"},
		{name: "list as object", body: `{"Users":{"UserID":"u1"}}`, want: "field Users "},
		{name: "syntax", body: `{"Users":[`, want: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env usersEnvelope
			err := decode([]byte(tt.body), &env)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			case tt.want != "" && strings.Contains(err.Error(), "yes"):
				t.Errorf("error %q quotes the value", err)
			}
		})
	}
}

package workatoapi

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestID_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ID
		wantErr bool
	}{
		{name: "number", in: `123`, want: 123},
		{name: "string", in: `"123"`, want: 123},
		{name: "null", in: `null`, want: 0},
		{name: "empty string", in: `""`, want: 0},
		{name: "not a number", in: `"abc"`, wantErr: true},
		{name: "float", in: `1.5`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ID
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s): got error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Unmarshal(%s): got %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestTime_UnmarshalJSON(t *testing.T) {
	var got Time
	if err := json.Unmarshal([]byte(`"2020-05-20T11:54:31.706-07:00"`), &got); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2020, 5, 20, 18, 54, 31, 706000000, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got.Time, want)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &got); err == nil {
		t.Fatal("got no error for a malformed timestamp, want one")
	}
}

func TestMessage(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{name: "message", body: `{"message":"Unauthorized"}`, want: "Unauthorized"},
		{name: "errors", body: `{"errors":[{"title":"a"},{"title":"b"}]}`, want: "a; b"},
		{name: "plain text", body: `Service Unavailable`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.body); got != tt.want {
				t.Fatalf("Message(%q): got %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	for dc, want := range map[string]string{"us": "https://www.workato.com", "EU": "https://app.eu.workato.com", " cn ": "https://app.workatoapp.cn"} {
		if got, err := BaseURL(dc); err != nil || got != want {
			t.Errorf("BaseURL(%q): got %q, %v; want %q", dc, got, err, want)
		}
	}
	_, err := BaseURL("mars")
	if err == nil || !strings.Contains(err.Error(), "us") {
		t.Fatalf("BaseURL(mars): got %v, want an error listing the data centers", err)
	}
}

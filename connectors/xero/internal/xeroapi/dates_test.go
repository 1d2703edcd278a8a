package xeroapi

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMSDate_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{name: "with offset", in: `"/Date(1508523261613+0000)/"`, want: time.UnixMilli(1508523261613).UTC()},
		{name: "without offset", in: `"/Date(1553880796393)/"`, want: time.UnixMilli(1553880796393).UTC()},
		{name: "negative offset", in: `"/Date(1553880796393-0500)/"`, want: time.UnixMilli(1553880796393).UTC()},
		{name: "null", in: `null`},
		{name: "empty", in: `""`},
		{name: "iso is not ms-json", in: `"2019-12-07T18:46:19"`, wantErr: true},
		{name: "number", in: `1553880796393`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d MSDate
			err := json.Unmarshal([]byte(tt.in), &d)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s): got error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !d.Equal(tt.want) {
				t.Fatalf("Unmarshal(%s): got %v, want %v", tt.in, d.Time, tt.want)
			}
		})
	}
}

func TestIdentityTime_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{name: "seven digits no zone", in: `"2019-12-07T18:46:19.5165400"`, want: time.Date(2019, 12, 7, 18, 46, 19, 516540000, time.UTC)},
		{name: "no fraction", in: `"2019-12-07T18:46:19"`, want: time.Date(2019, 12, 7, 18, 46, 19, 0, time.UTC)},
		{name: "rfc3339", in: `"2019-12-07T18:46:19.5Z"`, want: time.Date(2019, 12, 7, 18, 46, 19, 500000000, time.UTC)},
		{name: "offset", in: `"2019-12-07T20:46:19+02:00"`, want: time.Date(2019, 12, 7, 18, 46, 19, 0, time.UTC)},
		{name: "null", in: `null`},
		{name: "ms-json is not identity", in: `"/Date(1553880796393)/"`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d IdentityTime
			err := json.Unmarshal([]byte(tt.in), &d)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s): got error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !d.Equal(tt.want) {
				t.Fatalf("Unmarshal(%s): got %v, want %v", tt.in, d.Time, tt.want)
			}
		})
	}
}

package xeroapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MSDate is a timestamp in the Microsoft JSON form the accounting API uses:
// "/Date(1508523261613+0000)/" or "/Date(1553880796393)/". The optional
// offset says which zone the wall clock was in; the milliseconds are always
// since the Unix epoch in UTC.
type MSDate struct{ time.Time }

var msDatePattern = regexp.MustCompile(`^/Date\((-?\d+)([+-]\d{4})?\)/$`)

// ParseMSDate parses one MS-JSON date string.
func ParseMSDate(s string) (time.Time, error) {
	m := msDatePattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("not an MS-JSON date: %q", s)
	}
	ms, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("MS-JSON date %q: %w", s, err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// UnmarshalJSON accepts an MS-JSON date, null or an empty string.
func (d *MSDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		d.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("MS-JSON date: %w", err)
	}
	if s == "" {
		d.Time = time.Time{}
		return nil
	}
	t, err := ParseMSDate(s)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// IdentityTime is a timestamp in the identity API's form: ISO 8601 with up
// to 7 fractional digits and no zone ("2019-12-07T18:46:19.5165400"), which
// is UTC. A zone suffix is accepted too, in case Xero ever adds one.
type IdentityTime struct{ time.Time }

// ParseIdentityTime parses one /connections timestamp.
func ParseIdentityTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an identity API timestamp: %q", s)
	}
	return t, nil
}

// UnmarshalJSON accepts the zone-less form, RFC 3339, null or "".
func (d *IdentityTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		d.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("identity API timestamp: %w", err)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		d.Time = time.Time{}
		return nil
	}
	t, err := ParseIdentityTime(s)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// This file holds the small helpers every fake's handlers use: a sleep
// that ends with the request, Retry-After values and random UUIDs.
package fakeapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"
)

// SleepCtx waits d or until ctx ends, reporting whether it waited fully.
func SleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// RetrySeconds renders d as whole seconds for a Retry-After header,
// rounded up and at least 1.
func RetrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// RetryAfter is RetrySeconds as the header value.
func RetryAfter(d time.Duration) string { return strconv.Itoa(RetrySeconds(d)) }

// NewUUID returns a random version-4 UUID in its canonical form.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

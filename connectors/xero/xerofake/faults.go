package xerofake

import (
	"net/http"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Ready-made faults in Xero's shapes, to pass to Server.Faults().Add. route
// is one of the Route constants ("" for every route); times < 1 means 1.

// MaintenanceFault answers 503 with Xero's plain-text maintenance body.
func MaintenanceFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Status: http.StatusServiceUnavailable, Body: maintenanceText}
}

// OrganisationOfflineFault answers 503 "Organisation offline" (plain text).
func OrganisationOfflineFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Status: http.StatusServiceUnavailable, Body: "Organisation offline"}
}

// RateLimitFault answers 429 with an empty body and X-Rate-Limit-Problem
// problem ("minute", "day", …); retryAfter 0 leaves Retry-After out, as in
// a storm of 429s without it.
func RateLimitFault(route string, times int, problem string, retryAfter time.Duration) fakeapi.Fault {
	h := http.Header{}
	if problem != "" {
		h.Set("X-Rate-Limit-Problem", problem)
	}
	if retryAfter > 0 {
		h.Set("Retry-After", retrySeconds(retryAfter))
	}
	return fakeapi.Fault{Route: route, Times: times, Status: http.StatusTooManyRequests, Header: h}
}

// ResetFault drops the connection without an answer.
func ResetFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Reset: true}
}

// MalformedFault answers 200 with a truncated JSON body.
func MalformedFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Malformed: true}
}

package workatofake

import (
	"fmt"
	"net/http"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Ready-made faults in Workato's shapes, to pass to Server.Faults().Add.
// route is one of the Route constants ("" for every route); times < 1
// means 1.

// ServerErrorFault answers 500 {"message":"Server error","id":"<uuid>"}.
func ServerErrorFault(route string, times int) fakeapi.Fault {
	return jsonFault(route, times, http.StatusInternalServerError, fmt.Sprintf(`{"message":"Server error","id":%q}`, newUUID()))
}

// UnavailableFault answers 503 with a plain-text body, as a load balancer
// in front of Workato would.
func UnavailableFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Status: http.StatusServiceUnavailable, Body: "Service Unavailable"}
}

// RateLimitFault answers 429 {"message":"Too many requests"}; retryAfter 0
// leaves Retry-After out, as in a storm of 429s without it.
func RateLimitFault(route string, times int, retryAfter time.Duration) fakeapi.Fault {
	f := jsonFault(route, times, http.StatusTooManyRequests, `{"message":"Too many requests"}`)
	if retryAfter > 0 {
		f.Header.Set("Retry-After", fmt.Sprint(retrySeconds(retryAfter)))
	}
	return f
}

// UnauthorizedFault answers 401 {"message":"Unauthorized"}, as when the
// API client is deleted mid-sync.
func UnauthorizedFault(route string, times int) fakeapi.Fault {
	return jsonFault(route, times, http.StatusUnauthorized, `{"message":"Unauthorized"}`)
}

// ResetFault drops the connection without an answer.
func ResetFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: times, Reset: true}
}

// MalformedFault answers 200 with a JSON body cut off in the middle.
func MalformedFault(route string, times int) fakeapi.Fault {
	return fakeapi.Fault{
		Route: route, Times: times, Malformed: true,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   `{"data":[{"id":5001,"grant_type":"team","roles":[{"environment_type":"dev","role_name":"Admin","role_type":"privilege_group"}],"name":"Ada"}],"total":1}`,
	}
}

func jsonFault(route string, times, status int, body string) fakeapi.Fault {
	return fakeapi.Fault{
		Route: route, Times: times, Status: status, Body: body,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
	}
}

// newUUID is fakeapi.NewUUID, under the name the faults use.
var newUUID = fakeapi.NewUUID

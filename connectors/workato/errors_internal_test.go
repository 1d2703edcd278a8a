package workato

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

func TestWrap_Error(t *testing.T) {
	se := &httpx.StatusError{Service: "workato", Method: "GET", Route: "/api/members", StatusCode: 401, Code: codes.Unauthenticated}
	tests := []struct {
		name     string
		err      error
		want     string
		wantCode codes.Code
	}{
		{name: "vendor error", err: wrap("list collaborators", se), want: "workato: list collaborators: GET /api/members: 401 Unauthorized", wantCode: codes.Unauthenticated},
		{name: "nested", err: wrap("load", wrap("list collaborators", se)), want: "workato: load: list collaborators: GET /api/members: 401 Unauthorized", wantCode: codes.Unauthenticated},
		{name: "plain", err: wrap("read", errors.New("boom")), want: "workato: read: boom", wantCode: codes.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error(): got %q, want %q", got, tt.want)
			}
			if got := strings.Count(tt.err.Error(), "workato:"); got != 1 {
				t.Errorf("service prefix count: got %d, want 1", got)
			}
			st, _ := status.FromError(tt.err)
			if st.Code() != tt.wantCode || st.Message() != tt.want {
				t.Errorf("status: got %v %q, want %v %q", st.Code(), st.Message(), tt.wantCode, tt.want)
			}
		})
	}
}

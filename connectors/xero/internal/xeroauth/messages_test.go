package xeroauth

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestMessages_NameTheTokenStore: every message that means the token store
// names --xero-token-store (BATON_XERO_TOKEN_STORE), never --token-file
// (the static access token's file).
func TestMessages_NameTheTokenStore(t *testing.T) {
	invalidGrant := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}
	unauthorized := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "unauthorized_client"}
	_, noCreds := Config{}.Mode()
	_, noStore := Config{ClientID: "id", ClientSecret: "s", RefreshToken: "rt"}.Mode()
	tests := []struct {
		name string
		err  error
	}{
		{"no credentials", noCreds},
		{"refresh token without a store", noStore},
		{"invalid_grant advice", tokenEndpointError(grantRefreshToken, "/data/token.json", invalidGrant)},
		{"unauthorized_client advice", tokenEndpointError(grantClientCredentials, "", unauthorized)},
		{"login without a store", LoginConfig{ClientID: "id", ClientSecret: "s"}.validate()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("got no error, want one")
			}
			msg := tt.err.Error()
			if !strings.Contains(msg, "--xero-token-store (BATON_XERO_TOKEN_STORE)") {
				t.Errorf("message %q: want it to name --xero-token-store (BATON_XERO_TOKEN_STORE)", msg)
			}
			if strings.Contains(msg, "--token-file") || strings.Contains(msg, "BATON_TOKEN_FILE") {
				t.Errorf("message %q names --token-file, the static access token's file", msg)
			}
		})
	}
}

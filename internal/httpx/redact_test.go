package httpx

import (
	"strings"
	"testing"
)

// TestExcerpt_Secrets runs every secret shape issue 8 lists through the
// excerpt a StatusError shows: the secret must be gone, the error message
// must stay.
func TestExcerpt_Secrets(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		secret  string
		message string
	}{
		{name: "JSON detail holding a form", body: `{"detail":"refresh_token=RT-SECRET-1 was rejected"}`, secret: "RT-SECRET-1", message: "was rejected"},
		{name: "JSON camelCase accessToken", body: `{"message":"bad request","accessToken":"AT-SECRET"}`, secret: "AT-SECRET", message: "bad request"},
		{name: "JSON camelCase refreshToken", body: `{"error":"invalid_grant","refreshToken":"RT-SECRET"}`, secret: "RT-SECRET", message: "invalid_grant"},
		{name: "JSON clientSecret", body: `{"error":"invalid_client","clientSecret":"CS-SECRET"}`, secret: "CS-SECRET", message: "invalid_client"},
		{name: "JSON api_token", body: `{"message":"Unauthorized","api_token":"API-SECRET"}`, secret: "API-SECRET", message: "Unauthorized"},
		{name: "JSON authorization Basic", body: `{"message":"echo","request":{"headers":{"authorization":"Basic QkFTSUMtU0VDUkVU"}}}`, secret: "QkFTSUMtU0VDUkVU", message: "echo"},
		{name: "JSON unknown field with anything", body: `{"Title":"Forbidden","Detail":"AuthenticationUnsuccessful","Extensions":{"x":"OTHER-SECRET"}}`, secret: "OTHER-SECRET", message: "AuthenticationUnsuccessful"},
		{name: "JSON errors list keeps titles", body: `{"errors":[{"title":"Role not found","source":"SRC-SECRET"}]}`, secret: "SRC-SECRET", message: "Role not found"},
		{name: "JSON Workato validation map", body: `{"message":"Validation failed","errors":{"name":["can't be blank"]},"token":"TOK-SECRET"}`, secret: "TOK-SECRET", message: "can't be blank"},
		{name: "JSON Xero ApiException", body: `{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred","Elements":[{"ValidationErrors":[{"Message":"Email is invalid"}],"Password":"PW-SECRET"}]}`, secret: "PW-SECRET", message: "Email is invalid"},
		{name: "JSON message holding a bearer", body: `{"message":"sent Authorization: Bearer eyJ.BEARER-SECRET"}`, secret: "BEARER-SECRET", message: "sent Authorization"},
		{name: "XML AccessToken", body: `<Response><Message>expired</Message><AccessToken>XML-SECRET</AccessToken></Response>`, secret: "XML-SECRET", message: "expired"},
		{name: "XML RefreshToken", body: `<Error><Code>bad</Code><RefreshToken>XML-RT</RefreshToken></Error>`, secret: "XML-RT", message: "bad"},
		{name: "form refresh_token", body: `error=invalid_grant&refresh_token=FORM-SECRET`, secret: "FORM-SECRET", message: "invalid_grant"},
		{name: "text refresh_token colon", body: "invalid_grant\nrefresh_token: COLON-SECRET\n", secret: "COLON-SECRET", message: "invalid_grant"},
		{name: "text quoted colon", body: `bad token; 'refresh_token': 'QUOTED-SECRET'`, secret: "QUOTED-SECRET", message: "bad token"},
		{name: "text x-api-key=", body: `rejected request x-api-key=XKEY-SECRET&page=1`, secret: "XKEY-SECRET", message: "rejected request"},
		{name: "text x-api-key header", body: "rejected request\nX-Api-Key: XHDR-SECRET", secret: "XHDR-SECRET", message: "rejected request"},
		{name: "text Authorization Basic", body: `upstream said no; Authorization: Basic QkFTSUM=`, secret: "QkFTSUM=", message: "upstream said no"},
		{name: "text bearer", body: `token rejected: Bearer abc.def-BEARER`, secret: "abc.def-BEARER", message: "token rejected"},
		{name: "text clientSecret colon", body: `config clientSecret: CS-TEXT`, secret: "CS-TEXT", message: "config"},
		{name: "JSON cut short falls back to redaction", body: `{"message":"oops","refresh_token":"CUT-SECRET`, secret: "CUT-SECRET", message: "oops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := excerpt([]byte(tt.body))
			if strings.Contains(got, tt.secret) {
				t.Errorf("got %q, want %q gone", got, tt.secret)
			}
			if !strings.Contains(got, tt.message) {
				t.Errorf("got %q, want it to keep %q", got, tt.message)
			}
		})
	}
}

func TestKeepErrorFields(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		wantOK bool
	}{
		{
			name: "problem JSON", in: `{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 01/02/2024 10:00:00","Instance":"abc","Extensions":{}}`,
			want: `{"Detail":"TokenExpired: token expired at 01/02/2024 10:00:00","Status":401,"Title":"Unauthorized","Type":null}`, wantOK: true,
		},
		{
			name: "OAuth error", in: `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`,
			want: `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, wantOK: true,
		},
		{name: "nothing known", in: `{"refresh_token":"x"}`, want: `{}`, wantOK: true},
		{name: "not JSON", in: `Service Unavailable`, wantOK: false},
		{name: "two values", in: `{}{}`, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := keepErrorFields(tt.in)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("got (%q, %v), want (%q, %v)", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

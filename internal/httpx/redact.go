// This file holds what of an error body may be shown: the known error
// fields of a JSON body, or a non-JSON body with every secret shape
// redacted, cut to an excerpt.
package httpx

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// BodyExcerptBytes is the most bytes of a response body a StatusError keeps.
const BodyExcerptBytes = 512

// errorBodyReadLimit is how much of a non-2xx body is read to make the
// excerpt. Redaction runs on all of it before the excerpt is cut, so a secret
// straddling the cut is never half shown.
const errorBodyReadLimit = 64 << 10

// Redacted replaces every secret Redact finds.
const Redacted = "[REDACTED]"

// secretNames are the JSON keys, form fields and header-like names whose
// values Redact hides, matched case-insensitively.
const secretNames = `access_token|refresh_token|id_token|client_secret|token|password|api_key|apikey|code|code_verifier|` +
	`accesstoken|refreshtoken|idtoken|clientsecret|api_token|apitoken|x-api-key|api-key|secret|client_assertion|authorization`

// textSecretNames are the names whose "name: value" Redact hides in plain
// text: secretNames without code (error texts say "error code: 42") and
// authorization (authHeaderSecret keeps its scheme).
const textSecretNames = `access_token|refresh_token|id_token|client_secret|token|password|api_key|apikey|code_verifier|` +
	`accesstoken|refreshtoken|idtoken|clientsecret|api_token|apitoken|x-api-key|api-key|secret|client_assertion`

var (
	// "name": "value" or "name": 123; a string cut short by truncation is
	// still hidden to its end.
	jsonSecret = regexp.MustCompile(`(?i)("(?:` + secretNames + `)"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[-+0-9.eE]+)`)
	// The same, as JSON text escaped inside a JSON string: \"name\":\"value\".
	escapedJSONSecret = regexp.MustCompile(`(?i)(\\"(?:` + secretNames + `)\\"\s*:\s*)\\"(?:[^\\]|\\[^"])*(?:\\")?`)
	// name=value in a form body, a query string or plain text.
	formSecret = regexp.MustCompile(`(?i)((?:^|[?&\s;,"'(])(?:` + secretNames + `)=)[^&\s"'<>;,]*`)
	// name: value (or 'name': value) in plain text, YAML or a header dump.
	textSecret = regexp.MustCompile(`(?i)((?:^|[^\w"\\-])(?:` + textSecretNames + `)'?\s*:\s*)(?:"[^"]*"?|'[^']*'?|[^\s"'<>,;}]+)`)
	// Authorization: Basic abc, authorization=Bearer abc: the scheme stays.
	authHeaderSecret = regexp.MustCompile(`(?i)(\bauthorization\b["']?\s*[:=]\s*["']?(?:(?:basic|bearer|token|digest)\s+)?)[^\s"'<>,;\\]+`)
	// <name>value</name>. "code" is left out: XML error bodies use <Code>
	// for error codes, which are worth reading and not secret.
	xmlSecret = regexp.MustCompile(`(?i)(<(?:` + textSecretNames + `|authorization)>)[^<]*`)
	// Bearer <anything up to a delimiter>.
	bearerSecret = regexp.MustCompile(`(?i)(\bbearer\s+)[^\s"'<>,;\\]+`)
)

// Redact hides secrets in text: the values of JSON keys, form fields,
// "name: value" pairs and XML elements named like a credential
// (access_token, accessToken, refresh_token, client_secret, api_token,
// x-api-key, password, token, secret, code, … in any case; code only as a
// JSON key or form field), whatever follows "Authorization:" after its
// scheme, and whatever follows "Bearer ". Each becomes Redacted. Text that
// holds none of them is returned unchanged.
func Redact(s string) string {
	s = escapedJSONSecret.ReplaceAllString(s, `${1}\"`+Redacted+`\"`)
	s = jsonSecret.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = formSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = authHeaderSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = textSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = xmlSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = bearerSecret.ReplaceAllString(s, `${1}`+Redacted)
	return s
}

// errorFields are the JSON keys of the vendors' error bodies worth showing
// (OAuth2 error/error_description; Workato message and errors[].title;
// Xero's problem JSON Title/Detail/Status and ApiException
// ErrorNumber/Type/Message/Elements[].ValidationErrors[].Message), matched
// case-insensitively. Every other key is dropped, whatever it holds.
// GUESS: the fields the references show; see the package documentation.
var errorFields = map[string]bool{
	"error": true, "error_description": true, "message": true, "title": true, "detail": true,
	"type": true, "code": true, "status": true, "errornumber": true,
	// Containers, filtered the same way inside.
	"errors": true, "elements": true, "validationerrors": true,
}

// keepErrorFields returns a JSON body reduced to its errorFields, every
// string in it redacted, and true; or false when s is not a JSON object or
// array.
func keepErrorFields(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return "", false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return "", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(filterErrorValue(v, false)); err != nil {
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

// filterErrorValue keeps errorFields of objects (all keys of an object
// under "errors", which Workato keys by field name) and redacts strings.
func filterErrorValue(v any, keepKeys bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			lk := strings.ToLower(k)
			if !keepKeys && !errorFields[lk] {
				continue
			}
			out[k] = filterErrorValue(val, lk == "errors" && !keepKeys)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = filterErrorValue(e, false)
		}
		return out
	case string:
		return Redact(v)
	}
	return v
}

// excerpt turns (the start of) an error response body into StatusError.Body:
// valid UTF-8, reduced to its known error fields when it is JSON and
// redacted otherwise, runs of whitespace collapsed to one space, at most
// BodyExcerptBytes bytes with "..." marking a cut.
func excerpt(body []byte) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if kept, ok := keepErrorFields(s); ok {
		s = kept
	} else {
		s = Redact(s)
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= BodyExcerptBytes {
		return s
	}
	const more = "..."
	cut := BodyExcerptBytes - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

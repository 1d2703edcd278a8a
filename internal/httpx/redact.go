package httpx

import (
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

// secretNames are the JSON keys and form fields whose values Redact hides,
// matched case-insensitively.
const secretNames = `access_token|refresh_token|id_token|client_secret|token|password|api_key|apikey|code|code_verifier`

var (
	// "name": "value" or "name": 123; a string cut short by truncation is
	// still hidden to its end.
	jsonSecret = regexp.MustCompile(`(?i)("(?:` + secretNames + `)"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[-+0-9.eE]+)`)
	// The same, as JSON text escaped inside a JSON string: \"name\":\"value\".
	escapedJSONSecret = regexp.MustCompile(`(?i)(\\"(?:` + secretNames + `)\\"\s*:\s*)\\"(?:[^\\]|\\[^"])*(?:\\")?`)
	// name=value in a form body, a query string or plain text.
	formSecret = regexp.MustCompile(`(?i)((?:^|[?&\s;,])(?:` + secretNames + `)=)[^&\s"'<>;,]*`)
	// <name>value</name>. "code" is left out: XML error bodies use <Code>
	// for error codes, which are worth reading and not secret.
	xmlSecret = regexp.MustCompile(`(?i)(<(?:access_token|refresh_token|id_token|client_secret|token|password|api_key|apikey|code_verifier)>)[^<]*`)
	// Bearer <anything up to a delimiter>.
	bearerSecret = regexp.MustCompile(`(?i)(\bbearer\s+)[^\s"'<>,;\\]+`)
)

// Redact hides secrets in a response body: the values of JSON keys and form
// fields named access_token, refresh_token, id_token, client_secret, token,
// password, api_key, apikey, code or code_verifier (any case; also as XML
// elements, except code), and whatever follows "Bearer ". Each becomes
// Redacted. Text that holds none of them, JSON or not, is returned unchanged.
func Redact(s string) string {
	s = escapedJSONSecret.ReplaceAllString(s, `${1}\"`+Redacted+`\"`)
	s = jsonSecret.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = formSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = xmlSecret.ReplaceAllString(s, `${1}`+Redacted)
	s = bearerSecret.ReplaceAllString(s, `${1}`+Redacted)
	return s
}

// excerpt turns (the start of) a response body into StatusError.Body:
// valid UTF-8, secrets redacted, runs of whitespace collapsed to one space,
// at most BodyExcerptBytes bytes with "..." marking a cut.
func excerpt(body []byte) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	s = Redact(s)
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

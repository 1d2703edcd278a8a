package xeroauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/internal/tokenstore"

	"github.com/accessgov/baton-connectors/internal/loopbackcert"
)

// LoginConfig configures Login.
type LoginConfig struct {
	ClientID, ClientSecret string
	// AuthorizeURL and TokenURL default to DefaultAuthorizeURL and
	// DefaultTokenURL.
	AuthorizeURL, TokenURL string
	// RedirectURI must match the one registered for the Web app; default
	// DefaultRedirectURI. An https URI is served with a throw-away
	// self-signed certificate, an http one in plain text.
	RedirectURI string
	// ListenAddr defaults to the host:port of RedirectURI.
	ListenAddr string
	// Scopes default to [offline_access accounting.settings.read].
	Scopes []string
	// TokenFile is where the token is saved. Required.
	TokenFile string
	// Stdin, if set, is read for a pasted redirect URL (or just its query),
	// for when the browser cannot reach the listener.
	Stdin io.Reader
	// Out receives the instructions and the authorize URL; nil discards.
	Out io.Writer
	// HTTPClient is used for the code exchange; nil means a 30s timeout.
	HTTPClient *http.Client
	// OnListening is called with the listener's address once it accepts
	// connections (tests use it with ListenAddr "127.0.0.1:0").
	OnListening func(addr string)
}

// Login runs the authorisation-code flow with PKCE for a Xero Web app: it
// prints the authorize URL, waits for Xero's redirect (on a local HTTPS
// listener or pasted into Stdin), exchanges the code, and saves the token
// to TokenFile under the token file's lock. It ends when ctx does; callers
// should set a timeout.
func Login(ctx context.Context, lc LoginConfig) (*oauth2.Token, error) {
	if err := lc.validate(); err != nil {
		return nil, err
	}
	lc = lc.withDefaults()
	out := &lockedWriter{w: lc.Out}
	store := &tokenstore.Store{Path: lc.TokenFile}

	redirect, err := url.Parse(lc.RedirectURI)
	if err != nil || (redirect.Scheme != "https" && redirect.Scheme != "http") || redirect.Host == "" {
		return nil, fmt.Errorf("xero login: redirect URI %q must be an absolute http(s) URL", Printable(lc.RedirectURI))
	}
	if !loopbackHost(redirect.Hostname()) {
		return nil, fmt.Errorf("xero login: redirect URI %q must point at this machine's loopback (localhost, 127.0.0.1 or [::1]): "+
			"the one-time code must not travel over the network", Printable(lc.RedirectURI))
	}
	if host, _, err := net.SplitHostPort(lc.ListenAddr); err != nil || !loopbackHost(host) {
		return nil, fmt.Errorf("xero login: --listen %q must be a loopback host:port (for example 127.0.0.1:8080), "+
			"so nothing else on the network can deliver or read the redirect", Printable(lc.ListenAddr))
	}

	// Fail on an unwritable token file now, not after the user has
	// approved access in the browser.
	unlock, err := store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("xero login: check token file: %w", err)
	}
	_ = unlock()

	state, err := randomState()
	if err != nil {
		return nil, fmt.Errorf("xero login: %w", err)
	}
	verifier := oauth2.GenerateVerifier()
	conf := &oauth2.Config{
		ClientID:     lc.ClientID,
		ClientSecret: lc.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   lc.AuthorizeURL,
			TokenURL:  lc.TokenURL,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: lc.RedirectURI,
		Scopes:      lc.Scopes,
	}
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	arrivals := make(chan arrival, 1)
	deliver := func(a arrival) {
		select {
		case arrivals <- a:
		default: // an earlier arrival already won
		}
	}

	out.printf("Open this URL in a browser, sign in to Xero and allow access for the organisation(s) to sync:\n\n  %s\n\n", authURL)

	srv, addr, listenErr := lc.serve(redirect, state, out, deliver)
	if srv != nil {
		defer func() {
			shutCtx, shutCancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer shutCancel()
			_ = srv.Shutdown(shutCtx)
		}()
		out.printf("Xero will send the browser back to %s, where this command is listening (%s).\n", lc.RedirectURI, addr)
		if redirect.Scheme == "https" {
			out.printf("It serves HTTPS with a throw-away self-signed certificate made for this login only, so the browser\n" +
				"will warn that the connection is not private. That is expected: continue to the site (for example\n" +
				"\"Advanced\" then \"Proceed to localhost\"). Nothing but the one-time code is sent there.\n")
		}
	} else {
		if lc.Stdin == nil {
			return nil, fmt.Errorf("xero login: listen on %s for the redirect: %w", lc.ListenAddr, listenErr)
		}
		out.printf("Could not listen on %s for the redirect (%v).\n", lc.ListenAddr, listenErr)
	}
	if lc.Stdin != nil {
		out.printf("If the page does not load (for example the browser runs on another machine), copy the full address\n" +
			"from the browser's address bar after the redirect, paste it here and press Enter.\n")
		go readPasted(ctx, lc.Stdin, state, out, deliver)
	}
	if srv != nil && lc.OnListening != nil {
		lc.OnListening(addr)
	}

	var code string
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("xero login: gave up waiting for the redirect from Xero: %w", ctx.Err())
	case a := <-arrivals:
		if a.err != nil {
			return nil, a.err
		}
		code = a.code
	}

	httpCtx := context.WithValue(ctx, oauth2.HTTPClient, lc.HTTPClient)
	tok, err := conf.Exchange(httpCtx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenEndpointError(grantAuthorizationCode, lc.TokenFile, err, code, lc.ClientSecret, verifier)
	}
	stampExpiry(tok, time.Now())
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("xero login: Xero returned no refresh token: the %s scope was not granted; include it in the scopes", ScopeOfflineAccess)
	}
	tok = clone(tok)

	unlock, err = store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("xero login: save token: %w", err)
	}
	err = store.SaveWithOrigin(tok, tokenstore.Origin(tok.RefreshToken))
	if uerr := unlock(); err == nil && uerr != nil {
		err = uerr
	}
	if err != nil {
		return nil, fmt.Errorf("xero login: save token: %w", err)
	}
	out.printf("\nSaved the token to %s (refresh token fingerprint %s).\n"+
		"Run the connector with %s pointing at this file. The refresh token rotates on every use and\n"+
		"expires after 60 days unused.\n", lc.TokenFile, fingerprint(tok.RefreshToken), flagRef(flagTokenStore))
	return tok, nil
}

func (lc LoginConfig) validate() error {
	var missing []string
	if lc.ClientID == "" {
		missing = append(missing, flagRef(flagClientID))
	}
	if lc.ClientSecret == "" {
		missing = append(missing, flagRef(flagClientSecret))
	}
	if lc.TokenFile == "" {
		missing = append(missing, flagRef(flagTokenStore))
	}
	if len(missing) > 0 {
		return fmt.Errorf("xero login: set %s (the Web app's client id and secret, and where to save the token)", strings.Join(missing, ", "))
	}
	return nil
}

func (lc LoginConfig) withDefaults() LoginConfig {
	if lc.AuthorizeURL == "" {
		lc.AuthorizeURL = DefaultAuthorizeURL
	}
	if lc.TokenURL == "" {
		lc.TokenURL = DefaultTokenURL
	}
	if lc.RedirectURI == "" {
		lc.RedirectURI = DefaultRedirectURI
	}
	if lc.Scopes == nil {
		lc.Scopes = []string{ScopeOfflineAccess, ScopeSettingsRead}
	}
	if lc.Out == nil {
		lc.Out = io.Discard
	}
	if lc.HTTPClient == nil {
		lc.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if lc.ListenAddr == "" {
		if u, err := url.Parse(lc.RedirectURI); err == nil {
			lc.ListenAddr = u.Host
			if u.Port() == "" {
				port := "443"
				if u.Scheme == "http" {
					port = "80"
				}
				lc.ListenAddr = net.JoinHostPort(u.Hostname(), port)
			}
		}
	}
	return lc
}

// arrival is one redirect that passed the checks: a code, or a final
// error (the user denied access).
type arrival struct {
	code string
	err  error
}

// checkRedirect decides what to do with a redirect's query. reject means
// the redirect is not ours (ignore it and keep waiting).
func checkRedirect(q url.Values, state string) (a arrival, reject error) {
	got := q.Get("state")
	if got != state {
		// Also for an error= redirect: anyone can send the browser one, and
		// only Xero's, carrying this attempt's state, may end the login.
		return arrival{}, errors.New("its state does not match this login attempt (a stale or foreign redirect)")
	}
	if e := q.Get("error"); e != "" {
		desc := redact(q.Get("error_description"), nil)
		if desc != "" {
			desc = ": " + desc
		}
		if e == "access_denied" {
			return arrival{err: fmt.Errorf("xero login: access was denied in the browser (error=access_denied%s); "+
				"run the login again and choose Allow access", desc)}, nil
		}
		return arrival{err: fmt.Errorf("xero login: Xero returned error=%s%s", redact(e, nil), desc)}, nil
	}
	code := q.Get("code")
	if code == "" {
		return arrival{}, errors.New("it has no code parameter")
	}
	return arrival{code: code}, nil
}

// serve starts the redirect listener. It returns a nil server and the
// listen error if the address cannot be bound.
func (lc LoginConfig) serve(redirect *url.URL, state string, out *lockedWriter, deliver func(arrival)) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", lc.ListenAddr)
	if err != nil {
		return nil, "", err
	}
	if redirect.Scheme == "https" {
		cert, _, err := loopbackcert.Server("baton-xero login (temporary)", redirect.Hostname())
		if err != nil {
			_ = ln.Close()
			return nil, "", err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	path := redirect.Path
	if path == "" {
		path = "/"
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		a, reject := checkRedirect(r.URL.Query(), state)
		if reject != nil {
			out.printf("Ignored a redirect from the browser: %v. Still waiting.\n", reject)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, "This redirect was ignored: %v.\nStart from the URL the login command printed.\n", reject)
			return
		}
		deliver(a)
		if a.err != nil {
			_, _ = fmt.Fprint(w, "Xero login did not complete: access was not granted. You can close this tab; see the terminal.\n")
			return
		}
		_, _ = fmt.Fprint(w, "Xero login received. You can close this tab and return to the terminal.\n")
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Browsers that distrust the certificate abort handshakes; those
		// are expected and not worth printing.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.Serve(ln) }()
	return srv, ln.Addr().String(), nil
}

// readPasted reads lines until ctx ends or the reader does, delivering the
// first pasted redirect that passes the checks.
func readPasted(ctx context.Context, r io.Reader, state string, out *lockedWriter, deliver func(arrival)) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, err := parsePasted(line)
		if err != nil {
			out.printf("Ignored pasted text: %v. Paste the full address the browser was sent to.\n", err)
			continue
		}
		a, reject := checkRedirect(q, state)
		if reject != nil {
			out.printf("Ignored pasted URL: %v. Still waiting.\n", reject)
			continue
		}
		deliver(a)
		return
	}
}

// parsePasted accepts a full redirect URL, or only its query, with or
// without a leading "?".
func parsePasted(s string) (url.Values, error) {
	s = strings.Trim(s, "\"'<> ")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	q, err := url.ParseQuery(s)
	if err != nil || (q.Get("code") == "" && q.Get("error") == "") {
		return nil, errors.New("it is not a redirect URL with a code")
	}
	return q, nil
}

// loopbackHost reports whether host is localhost or a loopback IP.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func randomState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// lockedWriter serialises writes from the listener, the stdin reader and
// Login itself.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil {
		_, _ = fmt.Fprintf(l.w, format, args...)
	}
}

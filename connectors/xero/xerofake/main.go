package xerofake

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// ReadyInfo is what --ready-file holds once the fake listens.
type ReadyInfo struct {
	BaseURL            string `json:"base_url"`
	WebClientID        string `json:"web_client_id"`
	WebClientSecret    string `json:"web_client_secret"`
	RefreshToken       string `json:"refresh_token"`
	CustomClientID     string `json:"custom_client_id"`
	CustomClientSecret string `json:"custom_client_secret"`
}

// Main runs the xero-fake command until SIGINT or SIGTERM.
func Main(args []string, stdout io.Writer) error {
	return fakeapi.RunUntilSignal(args, stdout, Run)
}

// Run runs the xero-fake command until ctx ends, then prints the request
// counts to stdout. Besides fakeapi.RunMain's --addr, --ready-file (a
// ReadyInfo) and --env-file (the BATON_* variables that point baton-xero's
// Web-app flow at this fake, the token store beside the file), its flags
// are:
//
//	--dataset         demo or generate (default demo)
//	--orgs, --users   sizes for --dataset generate (default 5 and 20)
//	--seed            seed for --dataset generate (default 1)
//	--minute-window   the rate limits' minute (default 1m)
//	--access-ttl      access-token lifetime (default 30m)
//	--refresh-grace   rotated refresh-token grace (default 30m)
//	--latency         time every accounting call takes (default 0)
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	return fakeapi.RunMain(ctx, "xero-fake", args, stdout, defineFlags)
}

// defineFlags registers the fake's own flags and returns what builds the
// fake from them.
func defineFlags(fs *flag.FlagSet) func() (*fakeapi.Fake, error) {
	dataset := fs.String("dataset", "demo", "dataset: demo or generate")
	orgs := fs.Int("orgs", 5, "organisations for --dataset generate")
	users := fs.Int("users", 20, "users per organisation for --dataset generate")
	seed := fs.Int64("seed", 1, "seed for --dataset generate")
	minuteWindow := fs.Duration("minute-window", time.Minute, "length of the rate limits' minute")
	accessTTL := fs.Duration("access-ttl", 30*time.Minute, "access-token lifetime")
	refreshGrace := fs.Duration("refresh-grace", 30*time.Minute, "grace period of a rotated refresh token")
	latency := fs.Duration("latency", 0, "time every accounting call takes")
	return func() (*fakeapi.Fake, error) {
		var ds Dataset
		switch *dataset {
		case "demo":
			ds = Demo()
		case "generate":
			if *orgs < 1 || *users < 1 {
				return nil, fmt.Errorf("--orgs and --users must be at least 1")
			}
			ds = Generate(*orgs, *users, *seed)
		default:
			return nil, fmt.Errorf("--dataset must be demo or generate, not %q", *dataset)
		}
		s := New(ds, Options{MinuteWindow: *minuteWindow, AccessTTL: *accessTTL, RefreshGrace: *refreshGrace, Latency: *latency})
		return &fakeapi.Fake{
			Handler: s,
			Ready: func(baseURL, envFile string) (any, string, error) {
				info := ReadyInfo{BaseURL: baseURL}
				for _, c := range ds.Clients {
					switch {
					case c.CustomConnection && info.CustomClientID == "":
						info.CustomClientID, info.CustomClientSecret = c.ID, c.Secret
					case !c.CustomConnection && info.WebClientID == "":
						info.WebClientID, info.WebClientSecret = c.ID, c.Secret
					}
				}
				if info.WebClientID != "" {
					info.RefreshToken = s.IssueRefreshToken(info.WebClientID, "offline_access", "accounting.settings.read")
				}
				return info, info.env(filepath.Join(filepath.Dir(envFile), "token.json")), nil
			},
			Banner: func(baseURL string) string {
				return fmt.Sprintf("xero-fake: serving %s dataset (%d organisations, %d connections) at %s",
					*dataset, len(ds.Orgs), len(ds.Connections), baseURL)
			},
			Report: func(w io.Writer) {
				fmt.Fprintf(w, "xero-fake: stopping; %d requests served\n%s", s.Requests().Total(), s.Requests().String())
				grants := s.TokenRequests()
				names := make([]string, 0, len(grants))
				for g := range grants {
					names = append(names, g)
				}
				sort.Strings(names)
				for _, g := range names {
					fmt.Fprintf(w, "%6d token grant_type=%s\n", grants[g], g)
				}
			},
		}, nil
	}
}

// env renders the variables that run baton-xero's Web-app flow against
// the fake, keeping the rotated token in tokenStore.
func (info ReadyInfo) env(tokenStore string) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"BATON_XERO_CLIENT_ID", info.WebClientID},
		{"BATON_XERO_CLIENT_SECRET", info.WebClientSecret},
		{"BATON_REFRESH_TOKEN", info.RefreshToken},
		{"BATON_XERO_TOKEN_STORE", tokenStore},
		{"BATON_XERO_API_URL", info.BaseURL},
		{"BATON_XERO_IDENTITY_URL", info.BaseURL},
	} {
		fmt.Fprintf(&b, "%s=%q\n", kv[0], kv[1])
	}
	return b.String()
}

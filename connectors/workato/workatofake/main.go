package workatofake

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// ReadyInfo is what --ready-file holds once the fake listens.
type ReadyInfo struct {
	BaseURL    string `json:"base_url"`
	APIKey     string `json:"api_key"`
	DataCenter string `json:"data_center"`
	Env        string `json:"env"`
	// TestAPIKey and ProdAPIKey are the full-access TEST and PROD clients'
	// tokens of the RBAC 2.0 datasets (migrated-envs, mid-migration);
	// empty otherwise.
	TestAPIKey string `json:"test_api_key,omitempty"`
	ProdAPIKey string `json:"prod_api_key,omitempty"`
}

// Main runs the workato-fake command until SIGINT or SIGTERM.
func Main(args []string, stdout io.Writer) error {
	return fakeapi.RunUntilSignal(args, stdout, Run)
}

// Run runs the workato-fake command until ctx ends, then prints the
// request counts to stdout. It serves one host, that of --data-center;
// every API client of the dataset is moved to that data center. Besides
// fakeapi.RunMain's --addr, --ready-file (a ReadyInfo) and --env-file (the
// BATON_* variables that point baton-workato at this fake), its flags are:
//
//	--dataset         demo, generate, legacy, three-envs, migrated, migrated-envs,
//	                  mid-migration or generate-rbac (default demo)
//	--members, --custom-roles, --folders, --projects, --envs, --seed
//	                  sizes for --dataset generate (default 100, 200, 2000, 500, dev,test,prod, 1)
//	--rbac-members, --groups, --projects-per-env, --subfolders
//	                  sizes for --dataset generate-rbac (default 150, 40, 300, 3; --envs too)
//	--nested-folders  unsupported (with_nested_folders ignored) or subtree (default unsupported)
//	--groups-dev-only, --api-clients-dev-only
//	                  answer 403 to non-DEV clients on those endpoints
//	--no-audit-log    answer /api/activity_logs with 403 (the add-on is off)
//	--data-center     the host's data center (default us)
//	--minute-window   the rate limits' minute (default 1m)
//	--per-minute      requests per minute per endpoint group (default 60)
//	--omit-retry-after  answer 429 without Retry-After
//	--latency         time every authorised call takes (default 0)
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	return fakeapi.RunMain(ctx, "workato-fake", args, stdout, defineFlags)
}

// defineFlags registers the fake's own flags and returns what builds the
// fake from them.
func defineFlags(fs *flag.FlagSet) func() (*fakeapi.Fake, error) {
	dataset := fs.String("dataset", "demo", "dataset: demo, generate, legacy, three-envs, migrated, migrated-envs, mid-migration or generate-rbac")
	rbacMembers := fs.Int("rbac-members", 150, "members for --dataset generate-rbac")
	groups := fs.Int("groups", 40, "groups (All collaborators included) for --dataset generate-rbac")
	projectsPerEnv := fs.Int("projects-per-env", 300, "projects per environment for --dataset generate-rbac")
	subfolders := fs.Int("subfolders", 3, "folders under each project root for --dataset generate-rbac")
	nested := fs.String("nested-folders", "unsupported", "with_nested_folders: unsupported (ignored) or subtree")
	groupsDevOnly := fs.Bool("groups-dev-only", false, "answer /api/user_groups* with 403 to non-DEV clients")
	clientsDevOnly := fs.Bool("api-clients-dev-only", false, "answer the API-client endpoints with 403 to non-DEV clients")
	noAuditLog := fs.Bool("no-audit-log", false, "answer /api/activity_logs with 403 (the add-on is off)")
	members := fs.Int("members", 100, "members for --dataset generate (at most 100)")
	customRoles := fs.Int("custom-roles", 200, "custom roles for --dataset generate")
	folders := fs.Int("folders", 2000, "folders (besides project root folders) for --dataset generate")
	projects := fs.Int("projects", 500, "projects for --dataset generate")
	envs := fs.String("envs", "dev,test,prod", "comma-separated environments for --dataset generate")
	seed := fs.Int64("seed", 1, "seed for --dataset generate")
	dataCenter := fs.String("data-center", "us", "data center whose host this serves: "+strings.Join(DataCenters(), ", "))
	minuteWindow := fs.Duration("minute-window", time.Minute, "length of the rate limits' minute")
	perMinute := fs.Int("per-minute", 60, "requests per minute per endpoint group")
	omitRetryAfter := fs.Bool("omit-retry-after", false, "answer 429 without Retry-After")
	latency := fs.Duration("latency", 0, "time every authorised call takes")
	return func() (*fakeapi.Fake, error) {
		dc := strings.ToLower(*dataCenter)
		if !slices.Contains(DataCenters(), dc) {
			return nil, fmt.Errorf("--data-center %q: want one of %s", *dataCenter, strings.Join(DataCenters(), ", "))
		}
		var mode NestedMode
		switch *nested {
		case "unsupported":
		case "subtree":
			mode = NestedSubtree
		default:
			return nil, fmt.Errorf("--nested-folders must be unsupported or subtree, not %q", *nested)
		}
		envList := func() ([]string, error) {
			var list []string
			for _, e := range strings.Split(*envs, ",") {
				if e = strings.TrimSpace(e); e != "" {
					list = append(list, e)
				}
			}
			for _, e := range list {
				if e != EnvDev && e != EnvTest && e != EnvProd {
					return nil, fmt.Errorf("--envs: %q is not dev, test or prod", e)
				}
			}
			return list, nil
		}
		var ws Workspace
		rbac := false
		switch *dataset {
		case "migrated-envs":
			ws, rbac = MigratedEnvs(), true
		case "mid-migration":
			ws, rbac = MidMigration(), true
		case "generate-rbac":
			if *rbacMembers < 0 || *groups < 0 || *projectsPerEnv < 0 || *subfolders < 0 {
				return nil, errors.New("--rbac-members, --groups, --projects-per-env and --subfolders must be at least 0")
			}
			list, err := envList()
			if err != nil {
				return nil, err
			}
			ws, rbac = GenerateRBAC(RBACSizes{Members: *rbacMembers, Groups: *groups, ProjectsPerEnv: *projectsPerEnv, SubfoldersPerProject: *subfolders, Envs: list}), true
		case "demo":
			ws = Demo()
		case "legacy":
			ws = LegacyOneEnv()
		case "three-envs":
			ws = ThreeEnvs()
		case "migrated":
			ws = MigratedWorkspace()
		case "generate":
			if *members < 0 || *members > MaxMembers || *customRoles < 0 || *folders < 0 || *projects < 0 {
				return nil, fmt.Errorf("--members must be 0 to %d and the other sizes at least 0", MaxMembers)
			}
			list, err := envList()
			if err != nil {
				return nil, err
			}
			ws = Generate(*members, *customRoles, *folders, *projects, list, *seed)
		default:
			return nil, fmt.Errorf("--dataset must be demo, generate, legacy, three-envs, migrated, migrated-envs, mid-migration or generate-rbac, not %q", *dataset)
		}
		for i := range ws.Clients {
			ws.Clients[i].DataCenter = dc
		}
		if *noAuditLog {
			ws.AuditLog = false
		}
		s := New(ws, Options{
			MinuteWindow: *minuteWindow, PerMinute: *perMinute, OmitRetryAfter: *omitRetryAfter, Latency: *latency,
			NestedFolders: mode, GroupsDevOnly: *groupsDevOnly, APIClientsDevOnly: *clientsDevOnly,
		})
		return &fakeapi.Fake{
			Handler: s.Handler(dc),
			Ready: func(baseURL, _ string) (any, string, error) {
				info := ReadyInfo{BaseURL: baseURL, DataCenter: dc, Env: EnvDev}
				if c, ok := primaryClient(ws.Clients); ok {
					info.APIKey, info.Env = c.Token, c.Env
				}
				if rbac {
					info.TestAPIKey, info.ProdAPIKey = fullClient(ws.Clients, EnvTest), fullClient(ws.Clients, EnvProd)
				}
				return info, info.env(*minuteWindow), nil
			},
			Banner: func(baseURL string) string {
				return fmt.Sprintf("workato-fake: serving %s dataset (%d members, %d custom roles, %d groups, %d projects, %d folders, %d project grants, environments %s) for data center %s at %s",
					*dataset, len(ws.Members), len(ws.CustomRoles), len(ws.Groups), len(ws.Projects), len(ws.Folders), len(ws.ProjectGrants), strings.Join(ws.Environments, ","), dc, baseURL)
			},
			Report: func(w io.Writer) {
				fmt.Fprintf(w, "workato-fake: stopping; %d requests served\n%s", s.Requests().Total(), s.Requests().String())
			},
		}, nil
	}
}

// primaryClient picks the client the ready and env files name: the first
// DEV client allowed every endpoint, else the first client.
func primaryClient(clients []APIClient) (APIClient, bool) {
	for _, c := range clients {
		if c.Env == EnvDev && c.Endpoints == nil {
			return c, true
		}
	}
	if len(clients) > 0 {
		return clients[0], true
	}
	return APIClient{}, false
}

// fullClient is the token of the first client of env allowed every
// endpoint ("" when there is none).
func fullClient(clients []APIClient, env string) string {
	for _, c := range clients {
		if c.Env == env && c.Endpoints == nil {
			return c.Token
		}
	}
	return ""
}

// env renders the variables that point baton-workato at the fake (its
// hidden base-URL flag is --workato-base-url), pacing the connector to the
// fake's rate-limit minute.
func (info ReadyInfo) env(window time.Duration) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"BATON_WORKATO_API_KEY", info.APIKey},
		{"BATON_WORKATO_BASE_URL", info.BaseURL},
		{"BATON_WORKATO_DATA_CENTER", info.DataCenter},
		{"BATON_WORKATO_ENV", info.Env},
		{"BATON_WORKATO_RATE_LIMIT_WINDOW", window.String()},
		{"BATON_WORKATO_TEST_API_KEY", info.TestAPIKey},
		{"BATON_WORKATO_PROD_API_KEY", info.ProdAPIKey},
	} {
		if kv[1] == "" && strings.HasSuffix(kv[0], "_API_KEY") && kv[0] != "BATON_WORKATO_API_KEY" {
			continue
		}
		fmt.Fprintf(&b, "%s=%q\n", kv[0], kv[1])
	}
	return b.String()
}

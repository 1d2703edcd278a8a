package workato_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/workato"
	"github.com/accessgov/baton-connectors/connectors/workato/config"
)

// TestSettings_Resolve reads the per-environment tokens: the DEV token
// alone as before; TEST and PROD from their flags or files; custom
// environments from "env=token" and "env=path" lists; and refuses bad
// names, an environment given twice (naming both flags) and malformed
// lists, never quoting a token.
func TestSettings_Resolve(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	uatFile := file("uat", "tok-uat-file")
	prodFile := file("prod", "tok-prod-file")
	tests := []struct {
		name    string
		cfg     config.Workato
		want    string // env=token,… in order
		wantErr []string
	}{
		{name: "DEV token alone, unchanged", cfg: config.Workato{WorkatoApiKey: "tok-dev"}, want: "dev=tok-dev"},
		{
			name: "TEST and PROD flags", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoTestApiKey: "tok-test", WorkatoProdApiKey: "tok-prod"},
			want: "dev=tok-dev,test=tok-test,prod=tok-prod",
		},
		{name: "PROD from a file", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoProdApiKeyFile: prodFile}, want: "dev=tok-dev,prod=tok-prod-file"},
		{
			name: "custom environments", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "uat=tok-uat, pre-prod2=tok-pp"},
			want: "dev=tok-dev,uat=tok-uat,pre-prod2=tok-pp",
		},
		{
			name: "custom environment from a file", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeyFiles: "uat=" + uatFile},
			want: "dev=tok-dev,uat=tok-uat-file",
		},
		{
			name: "PROD twice", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoProdApiKey: "tok-prod", WorkatoEnvApiKeys: "prod=tok-other"},
			wantErr: []string{"environment prod", "--workato-prod-api-key", "--workato-env-api-keys"},
		},
		{
			name: "DEV twice", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "dev=tok-other"},
			wantErr: []string{"environment dev", "--workato-api-key", "--workato-env-api-keys"},
		},
		{
			name: "custom environment in both lists", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "uat=tok-uat", WorkatoEnvApiKeyFiles: "uat=" + uatFile},
			wantErr: []string{"environment uat", "--workato-env-api-keys", "--workato-env-api-key-files"},
		},
		{
			name: "twice in one list", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "uat=tok-a,uat=tok-b"},
			wantErr: []string{"--workato-env-api-keys", "uat is given twice"},
		},
		{
			name: "upper-case name", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "UAT=tok-a"},
			wantErr: []string{"--workato-env-api-keys", `"UAT"`, "lower-case letters, digits and -"},
		},
		{
			name: "name with a colon", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeyFiles: "u:a=" + uatFile},
			wantErr: []string{"--workato-env-api-key-files", `"u:a"`},
		},
		{
			name: "entry without a token", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeys: "uat=tok-a,stage"},
			wantErr: []string{"--workato-env-api-keys", "entry 2 is not env=value"},
		},
		{
			name: "TEST flag and file", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoTestApiKey: "tok-test", WorkatoTestApiKeyFile: prodFile},
			wantErr: []string{"workato-test-api-key", "not both"},
		},
		{
			name: "missing file", cfg: config.Workato{WorkatoApiKey: "tok-dev", WorkatoEnvApiKeyFiles: "uat=" + filepath.Join(dir, "nope")},
			wantErr: []string{"uat", "nope"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := workato.Resolve(&tt.cfg)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Resolve: got no error, want one containing %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error: got %q, want it to contain %q", err, w)
					}
				}
				for _, tok := range []string{"tok-a", "tok-b", "tok-other", "tok-test", "tok-prod", "tok-uat", "tok-dev"} {
					if strings.Contains(err.Error(), tok) {
						t.Errorf("error %q quotes the token %q", err, tok)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			var got []string
			for _, et := range s.Tokens {
				got = append(got, et.Env+"="+et.Token)
			}
			if g := strings.Join(got, ","); g != tt.want {
				t.Errorf("tokens: got %s, want %s", g, tt.want)
			}
			if s.Token != "tok-dev" {
				t.Errorf("main token: got %q, want tok-dev", s.Token)
			}
		})
	}
}

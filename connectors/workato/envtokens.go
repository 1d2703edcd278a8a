package workato

// The tokens of environments other than the main one: --workato-test-api-key,
// --workato-prod-api-key (each or its -file form) and, for environments with
// custom names, --workato-env-api-keys "env=token,…" and
// --workato-env-api-key-files "env=path,…". Errors name flags and
// environments, never a token.

import (
	"fmt"
	"strings"

	"github.com/accessgov/baton-connectors/connectors/workato/config"
	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/creds"
)

// resolveEnvTokens returns main followed by every other environment's
// token. An environment given twice, by two flags or twice in one list, is
// an error naming both places.
func resolveEnvTokens(cfg *config.Workato, main EnvToken) ([]EnvToken, error) {
	out := []EnvToken{main}
	from := map[string]string{main.Env: main.Flag}
	add := func(t EnvToken) error {
		if !validEnvName(t.Env) {
			return fmt.Errorf("%s: environment name %q: use lower-case letters, digits and -", t.Flag, t.Env)
		}
		if prev, ok := from[t.Env]; ok {
			return fmt.Errorf("environment %s has a token from both %s and %s: give it once", t.Env, prev, t.Flag)
		}
		from[t.Env] = t.Flag
		out = append(out, t)
		return nil
	}
	for _, named := range []struct {
		env, flag, value, file string
	}{
		{workatoapi.EnvTest, "workato-test-api-key", cfg.WorkatoTestApiKey, cfg.WorkatoTestApiKeyFile},
		{workatoapi.EnvProd, "workato-prod-api-key", cfg.WorkatoProdApiKey, cfg.WorkatoProdApiKeyFile},
	} {
		tok, err := creds.Secret(creds.Source{Name: named.flag, Value: named.value, File: named.file})
		if err != nil {
			return nil, err
		}
		if tok == "" {
			continue
		}
		flag := "--" + named.flag
		if named.file != "" {
			flag += "-file"
		}
		if err := add(EnvToken{Env: named.env, Token: tok, Flag: flag}); err != nil {
			return nil, err
		}
	}
	pairs, err := envPairs("--workato-env-api-keys", cfg.WorkatoEnvApiKeys, true)
	if err != nil {
		return nil, err
	}
	files, err := envPairs("--workato-env-api-key-files", cfg.WorkatoEnvApiKeyFiles, false)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if err := add(EnvToken{Env: p.env, Token: p.value, Flag: "--workato-env-api-keys"}); err != nil {
			return nil, err
		}
	}
	for _, p := range files {
		flag := "--workato-env-api-key-files"
		tok, err := creds.Secret(creds.Source{Name: "workato-env-api-key-files (" + p.env + ")", File: p.value, Required: true})
		if err != nil {
			return nil, err
		}
		if err := add(EnvToken{Env: p.env, Token: tok, Flag: flag}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// envPair is one "env=value" of a list flag.
type envPair struct{ env, value string }

// envPairs reads "env=value,env=value". secret keeps values out of errors.
// An environment twice in the list is an error naming it.
func envPairs(flag, list string, secret bool) ([]envPair, error) {
	var out []envPair
	seen := map[string]bool{}
	for i, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		env, value, ok := strings.Cut(item, "=")
		env, value = strings.TrimSpace(env), strings.TrimSpace(value)
		if !ok || env == "" || value == "" {
			what := fmt.Sprintf("%q", item)
			if secret {
				what = fmt.Sprintf("entry %d", i+1)
			}
			return nil, fmt.Errorf("%s: %s is not env=value", flag, what)
		}
		if !validEnvName(env) {
			return nil, fmt.Errorf("%s: environment name %q: use lower-case letters, digits and -", flag, env)
		}
		if seen[env] {
			return nil, fmt.Errorf("%s: environment %s is given twice", flag, env)
		}
		seen[env] = true
		out = append(out, envPair{env: env, value: value})
	}
	return out, nil
}

// validEnvName reports whether name is a usable environment name: it ends
// up in resource IDs ("<env>:<id>") and profile keys.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

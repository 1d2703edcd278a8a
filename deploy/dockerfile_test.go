package deploy_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/accessgov/baton-connectors/deploy/internal/ociimage"
)

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	cmd  string // upper case
	args string
}

func parseDockerfile(text string) []instruction {
	var out []instruction
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
	}
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\") + " ")
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return out
}

// TestDockerfile_MatchesImages: the Dockerfile for Docker users must give
// the image `make images` gives: same entrypoint, user, labels, CA bundle,
// static build, one file for every connector (ARG CONNECTOR).
func TestDockerfile_MatchesImages(t *testing.T) {
	ins := parseDockerfile(readFile(t, "Dockerfile"))
	var stages [][]instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("stages: got %d, want a multi-stage build", len(stages))
	}
	final := stages[len(stages)-1]
	if got := final[0].args; got != "scratch" {
		t.Errorf("final FROM: got %q, want scratch (nothing but the layer make images builds)", got)
	}

	var entrypoint, user string
	labels := map[string]string{}
	hasArg, builds := false, false
	copiesCA := false
	for _, in := range ins {
		switch in.cmd {
		case "ARG":
			if strings.HasPrefix(in.args, "CONNECTOR") {
				hasArg = true
			}
		case "RUN":
			if strings.Contains(in.args, "CGO_ENABLED=0") && strings.Contains(in.args, "-trimpath") &&
				strings.Contains(in.args, "-o /out"+ociimage.Entrypoint) && strings.Contains(in.args, "./cmd/baton-${CONNECTOR}") {
				builds = true
			}
			if strings.Contains(in.args, "/out"+ociimage.CABundle) {
				copiesCA = true
			}
		}
	}
	for _, in := range final {
		switch in.cmd {
		case "ENTRYPOINT":
			var ep []string
			if err := json.Unmarshal([]byte(in.args), &ep); err != nil {
				t.Errorf("ENTRYPOINT %s: want the exec (JSON) form: %v", in.args, err)
			}
			entrypoint = strings.Join(ep, " ")
		case "USER":
			user = in.args
		case "LABEL":
			for _, m := range regexp.MustCompile(`([a-z0-9.]+)="([^"]*)"`).FindAllStringSubmatch(in.args, -1) {
				labels[m[1]] = m[2]
			}
		}
	}
	if !hasArg {
		t.Error("no ARG CONNECTOR, want one")
	}
	if !builds {
		t.Errorf("no RUN builds ./cmd/baton-${CONNECTOR} with CGO_ENABLED=0 -trimpath into /out%s", ociimage.Entrypoint)
	}
	if !copiesCA {
		t.Errorf("no CA bundle copied to %s", ociimage.CABundle)
	}
	if entrypoint != ociimage.Entrypoint {
		t.Errorf("ENTRYPOINT: got %q, want %q", entrypoint, ociimage.Entrypoint)
	}
	if user != ociimage.User {
		t.Errorf("USER: got %q, want %q", user, ociimage.User)
	}
	mk := readFile(t, root+"/Makefile")
	want := map[string]string{
		ociimage.LabelSource:   makeVar(t, mk, "IMAGE_SOURCE"),
		ociimage.LabelLicenses: makeVar(t, mk, "IMAGE_LICENSES"),
		ociimage.LabelVersion:  "${VERSION}",
		ociimage.LabelRevision: "${REVISION}",
		ociimage.LabelTitle:    "baton-${CONNECTOR}",
	}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("LABEL %s: got %q, want %q (as make images sets it)", k, labels[k], v)
		}
	}
}

// makeVar reads `NAME ?= value` from the Makefile.
func makeVar(t *testing.T, mk, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `\s*\??=\s*(.+)$`).FindStringSubmatch(mk)
	if m == nil {
		t.Fatalf("Makefile: no %s", name)
	}
	return strings.TrimSpace(m[1])
}

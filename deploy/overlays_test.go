package deploy_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/accessgov/baton-connectors/deploy/internal/manifests"
)

// The Secret keys of the vendor's setup steps, per connector. A connector
// not listed here needs at least the ConductorOne pair.
var vendorSecretKeys = map[string][]string{
	"xero":    {"BATON_CLIENT_ID", "BATON_CLIENT_SECRET", "BATON_XERO_CLIENT_ID", "BATON_XERO_CLIENT_SECRET"},
	"workato": {"BATON_CLIENT_ID", "BATON_CLIENT_SECRET", "BATON_WORKATO_API_KEY", "BATON_WORKATO_DATA_CENTER", "BATON_WORKATO_ENV"},
}

// Optional keys the example must at least mention (commented out is fine).
var vendorOptionalKeys = map[string][]string{
	"workato": {"BATON_DISABLE_CUSTOM_ROLES_SYNC", "BATON_PROVISIONING"},
}

func secretKeys(name string) []string {
	if k, ok := vendorSecretKeys[name]; ok {
		return k
	}
	return []string{"BATON_CLIENT_ID", "BATON_CLIENT_SECRET"}
}

func TestOverlays_OnePerConnector(t *testing.T) {
	got := overlays(t, ".")
	want := discoverConnectors(t, root)
	if !slices.Equal(got, want) {
		t.Fatalf("overlays under deploy/: got %v, want one per shipped connector %v", got, want)
	}
}

func renderDecode(t *testing.T, dir string) []runtime.Object {
	t.Helper()
	y, err := manifests.Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := manifests.Decode(y)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// TestOverlay_Hardened renders every overlay with kustomize in process,
// decodes it strictly into the API types, and applies the hardening rules;
// then checks the example Secret against the vendor's keys.
func TestOverlay_Hardened(t *testing.T) {
	for _, name := range overlays(t, ".") {
		t.Run(name, func(t *testing.T) {
			objs := renderDecode(t, name)
			for _, err := range manifests.Check(name, objs) {
				t.Errorf("violation: %v", err)
			}

			path := filepath.Join(name, "secret.example.yaml")
			text := readFile(t, path)
			sec, err := manifests.Decode([]byte(text))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, err := range manifests.CheckSecretExample(name, sec, secretKeys(name)) {
				t.Errorf("%s: %v", path, err)
			}
			for _, k := range vendorOptionalKeys[name] {
				if !strings.Contains(text, k) {
					t.Errorf("%s: got no mention of the optional key %s, want one", path, k)
				}
			}
		})
	}
}

func TestBase_Renders(t *testing.T) {
	objs := renderDecode(t, "base")
	kinds := map[string]int{}
	for _, o := range objs {
		tn := fmt.Sprintf("%T", o)
		kinds[tn[strings.LastIndex(tn, ".")+1:]]++
	}
	for _, k := range []string{"Deployment", "ServiceAccount", "NetworkPolicy"} {
		if kinds[k] != 1 {
			t.Errorf("base: got %d %s, want 1 (kinds %v)", kinds[k], k, kinds)
		}
	}
}

// TestOverlay_XeroTokenStore: the rotated refresh token survives restarts on
// a small PVC, and only one pod ever refreshes it.
func TestOverlay_XeroTokenStore(t *testing.T) {
	objs := renderDecode(t, "xero")
	var d *appsv1.Deployment
	var pvc *corev1.PersistentVolumeClaim
	for _, o := range objs {
		switch v := o.(type) {
		case *appsv1.Deployment:
			d = v
		case *corev1.PersistentVolumeClaim:
			pvc = v
		}
	}
	if d == nil || pvc == nil {
		t.Fatalf("got Deployment %v, PVC %v; want both", d != nil, pvc != nil)
	}
	if got := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; got.Cmp(resource.MustParse("1Gi")) > 0 {
		t.Errorf("PVC size: got %s, want a small claim (at most 1Gi)", got.String())
	}
	if got := *d.Spec.Replicas; got != 1 {
		t.Errorf("replicas: got %d, want 1", got)
	}
	if got := d.Spec.Strategy.Type; got != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("strategy: got %s, want Recreate", got)
	}
	ct := d.Spec.Template.Spec.Containers[0]
	store := ""
	for _, e := range ct.Env {
		if e.Name == "BATON_XERO_TOKEN_STORE" {
			store = e.Value
		}
	}
	var claimVol string
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == pvc.Name {
			claimVol = v.Name
		}
	}
	mounted := false
	for _, m := range ct.VolumeMounts {
		if m.Name == claimVol && !m.ReadOnly && strings.HasPrefix(store, strings.TrimSuffix(m.MountPath, "/")+"/") {
			mounted = true
		}
	}
	if store == "" || !mounted {
		t.Errorf("BATON_XERO_TOKEN_STORE=%q: got no writable mount of PVC %s holding it, want one", store, pvc.Name)
	}
}

package manifests

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// rendered returns the real Xero overlay, decoded: the fixture every
// mutation below starts from.
func rendered(t *testing.T) []runtime.Object {
	t.Helper()
	y, err := Render("../../xero")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Decode(y)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func find[T runtime.Object](objs []runtime.Object) T {
	for _, o := range objs {
		if v, ok := o.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(objs []runtime.Object) []runtime.Object
		wantErr string // "" means no violation
	}{
		{"as shipped", nil, ""},
		{"privilege escalation", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = ptr.To(true)
			return o
		}, "allowPrivilegeEscalation"},
		{"writable root fs", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = nil
			return o
		}, "readOnlyRootFilesystem"},
		{"capabilities kept", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].SecurityContext.Capabilities.Drop = nil
			return o
		}, "ALL is not dropped"},
		{"capability added", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
			return o
		}, "adds capabilities"},
		{"runs as root", func(o []runtime.Object) []runtime.Object {
			ps := &find[*appsv1.Deployment](o).Spec.Template.Spec
			ps.SecurityContext.RunAsNonRoot = nil
			ps.Containers[0].SecurityContext.RunAsNonRoot = nil
			return o
		}, "runAsNonRoot"},
		{"uid 0", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].SecurityContext.RunAsUser = ptr.To[int64](0)
			return o
		}, "runAsUser: got 0"},
		{"no seccomp", func(o []runtime.Object) []runtime.Object {
			ps := &find[*appsv1.Deployment](o).Spec.Template.Spec
			ps.SecurityContext.SeccompProfile = nil
			ps.Containers[0].SecurityContext.SeccompProfile = nil
			return o
		}, "seccompProfile"},
		{"token mounted", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.AutomountServiceAccountToken = nil
			return o
		}, "automountServiceAccountToken"},
		{"service account mounts tokens", func(o []runtime.Object) []runtime.Object {
			find[*corev1.ServiceAccount](o).AutomountServiceAccountToken = ptr.To(true)
			return o
		}, "ServiceAccount baton-xero automountServiceAccountToken"},
		{"host network", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.HostNetwork = true
			return o
		}, "host namespace"},
		{"hostPath volume", func(o []runtime.Object) []runtime.Object {
			ps := &find[*appsv1.Deployment](o).Spec.Template.Spec
			ps.Volumes = append(ps.Volumes, corev1.Volume{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}})
			return o
		}, "not allowed by Pod Security restricted"},
		{"no memory limit", func(o []runtime.Object) []runtime.Object {
			delete(find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].Resources.Limits, corev1.ResourceMemory)
			return o
		}, "no memory limit"},
		{"no cpu request", func(o []runtime.Object) []runtime.Object {
			delete(find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].Resources.Requests, corev1.ResourceCPU)
			return o
		}, "no cpu request"},
		{"temp dir not on the emptyDir", func(o []runtime.Object) []runtime.Object {
			ct := &find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0]
			for i := range ct.Env {
				if ct.Env[i].Name == TempDirEnv {
					ct.Env[i].Value = "/var/tmp"
				}
			}
			return o
		}, "is not a writable emptyDir mount"},
		{"no liveness probe", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].LivenessProbe = nil
			return o
		}, "no livenessProbe"},
		{"no readiness probe", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].ReadinessProbe = nil
			return o
		}, "no readinessProbe"},
		{"no startup probe", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].StartupProbe = nil
			return o
		}, "no startupProbe"},
		{"readiness on the wrong path", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].ReadinessProbe.HTTPGet.Path = "/healthz"
			return o
		}, `readinessProbe path: got "/healthz", want "/ready"`},
		{"liveness on another port", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].LivenessProbe.HTTPGet.Port = intstr.FromInt32(8080)
			return o
		}, "livenessProbe port: got 8080 (8080), want the health check port 8081"},
		{"health port moved, probes not", func(o []runtime.Object) []runtime.Object {
			setEnv(&find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0], HealthCheckPortEnv, "9090")
			return o
		}, "want the health check port 9090"},
		{"health check off", func(o []runtime.Object) []runtime.Object {
			setEnv(&find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0], HealthCheckEnv, "false")
			return o
		}, `BATON_HEALTH_CHECK="false", want true`},
		{"health check on loopback", func(o []runtime.Object) []runtime.Object {
			setEnv(&find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0], HealthCheckBindAddressEnv, "127.0.0.1")
			return o
		}, `BATON_HEALTH_CHECK_BIND_ADDRESS="127.0.0.1", want 0.0.0.0`},
		{"two replicas with a token store", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Replicas = ptr.To[int32](2)
			return o
		}, "replicas got 2, want 1"},
		{"rolling update with a token store", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
			return o
		}, "want Recreate"},
		{"vendor label missing", func(o []runtime.Object) []runtime.Object {
			delete(find[*appsv1.Deployment](o).Spec.Template.Labels, "baton")
			return o
		}, `pod label baton: got "", want "true"`},
		{"wrong Secret", func(o []runtime.Object) []runtime.Object {
			find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0].EnvFrom[0].SecretRef.Name = "other"
			return o
		}, "envFrom does not name Secret baton-xero-secrets"},
		{"literal secret in env", func(o []runtime.Object) []runtime.Object {
			ct := &find[*appsv1.Deployment](o).Spec.Template.Spec.Containers[0]
			ct.Env = append(ct.Env, corev1.EnvVar{Name: "BATON_XERO_CLIENT_SECRET", Value: "hunter2"})
			return o
		}, "literal secret"},
		{"Secret in the overlay", func(o []runtime.Object) []runtime.Object {
			return append(o, &corev1.Secret{})
		}, "would overwrite"},
		{"no NetworkPolicy", func(o []runtime.Object) []runtime.Object {
			var out []runtime.Object
			for _, x := range o {
				if _, ok := x.(*networkingv1.NetworkPolicy); !ok {
					out = append(out, x)
				}
			}
			return out
		}, "no NetworkPolicy"},
		{"egress to any port", func(o []runtime.Object) []runtime.Object {
			np := find[*networkingv1.NetworkPolicy](o)
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{})
			return o
		}, "allows every port"},
		{"egress to port 80", func(o []runtime.Object) []runtime.Object {
			np := find[*networkingv1.NetworkPolicy](o)
			p := intstr.FromInt32(80)
			np.Spec.Egress[1].Ports = append(np.Spec.Egress[1].Ports, networkingv1.NetworkPolicyPort{Port: &p})
			return o
		}, "egress allows TCP/80"},
		{"ingress allowed", func(o []runtime.Object) []runtime.Object {
			np := find[*networkingv1.NetworkPolicy](o)
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{}}
			return o
		}, "allows ingress"},
		{"policy selects other pods", func(o []runtime.Object) []runtime.Object {
			find[*networkingv1.NetworkPolicy](o).Spec.PodSelector.MatchLabels["app"] = "other"
			return o
		}, "does not select the connector's pods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := rendered(t)
			if tt.mutate != nil {
				objs = tt.mutate(objs)
			}
			errs := Check("xero", objs)
			if tt.wantErr == "" {
				for _, e := range errs {
					t.Errorf("got violation %q, want none", e)
				}
				return
			}
			for _, e := range errs {
				if strings.Contains(e.Error(), tt.wantErr) {
					return
				}
			}
			t.Errorf("got violations %v, want one containing %q", errs, tt.wantErr)
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{"valid", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n", ""},
		{"comment-only document", "# nothing\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n", ""},
		{"unknown field", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\nautomountToken: false\n", "unknown field"},
		{"duplicate field", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n", "already set"},
		{"boolean label (the vendor's unquoted true)", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  labels:\n    baton: true\n", "cannot unmarshal"},
		{"unknown kind", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: a\n", "no kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := Decode([]byte(tt.yaml))
			if tt.wantErr == "" {
				if err != nil || len(objs) != 1 {
					t.Fatalf("got %d objects, error %v; want 1 object, no error", len(objs), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckSecretExample(t *testing.T) {
	secret := func(data string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: baton-acme-secrets\ntype: Opaque\nstringData:\n" + data
	}
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{"placeholders", secret("  BATON_CLIENT_ID: \"<id>\"\n  BATON_CLIENT_SECRET: \"<secret>\"\n"), ""},
		{"real-looking value", secret("  BATON_CLIENT_ID: \"<id>\"\n  BATON_CLIENT_SECRET: \"s3cr3t\"\n"), "want a <placeholder>"},
		{"missing key", secret("  BATON_CLIENT_ID: \"<id>\"\n"), "no key BATON_CLIENT_SECRET"},
		{"not a BATON_ key", secret("  BATON_CLIENT_ID: \"<id>\"\n  BATON_CLIENT_SECRET: \"<s>\"\n  PASSWORD: \"<p>\"\n"), "want a BATON_ variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := Decode([]byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			errs := CheckSecretExample("acme", objs, []string{"BATON_CLIENT_ID", "BATON_CLIENT_SECRET"})
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Fatalf("got %v, want no violation", errs)
				}
				return
			}
			for _, e := range errs {
				if strings.Contains(e.Error(), tt.wantErr) {
					return
				}
			}
			t.Fatalf("got %v, want a violation containing %q", errs, tt.wantErr)
		})
	}
}

// setEnv sets name=value in ct's env, replacing an existing entry.
func setEnv(ct *corev1.Container, name, value string) {
	for i := range ct.Env {
		if ct.Env[i].Name == name {
			ct.Env[i].Value = value
			return
		}
	}
	ct.Env = append(ct.Env, corev1.EnvVar{Name: name, Value: value})
}

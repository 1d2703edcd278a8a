package manifests

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Image is the registry path of connector images: Image + "baton-<name>".
const Image = "ghcr.io/accessgov/"

// SecretName is the Secret the vendor's setup steps create for a connector.
func SecretName(connector string) string { return "baton-" + connector + "-secrets" }

// TempDirEnv is the variable that points the SDK at its temp dir.
const TempDirEnv = "BATON_C1Z_TEMP_DIR"

// Allowed egress: DNS over UDP and TCP, HTTPS.
var allowedEgress = []string{"UDP/53", "TCP/53", "TCP/443"}

// Check returns every way the rendered overlay of connector breaks the rules
// each connector's deployment keeps: the vendor's names and labels, Pod
// Security "restricted", a writable emptyDir as the SDK's temp dir, resource
// requests and limits, probes on the SDK's health check, one replica with Recreate when a volume holds state,
// and a NetworkPolicy that allows only DNS and HTTPS egress. No violations
// means a nil slice.
func Check(connector string, objs []runtime.Object) []error {
	c := checker{name: connector}
	var deps []*appsv1.Deployment
	var pols []*networkingv1.NetworkPolicy
	sas := map[string]*corev1.ServiceAccount{}
	pvcs := map[string]*corev1.PersistentVolumeClaim{}
	for _, o := range objs {
		switch v := o.(type) {
		case *appsv1.Deployment:
			deps = append(deps, v)
		case *networkingv1.NetworkPolicy:
			pols = append(pols, v)
		case *corev1.ServiceAccount:
			sas[v.Name] = v
		case *corev1.PersistentVolumeClaim:
			pvcs[v.Name] = v
		case *corev1.Secret:
			c.errf("Secret %s is part of the overlay: applying it would overwrite the user's real Secret", v.Name)
		default:
			c.errf("unexpected object %T", o)
		}
	}
	for _, o := range objs {
		c.checkMeta(o)
	}
	if len(deps) != 1 {
		c.errf("got %d Deployments, want 1", len(deps))
		return c.errs
	}
	d := deps[0]
	c.checkDeployment(d, sas, pvcs)
	if len(pols) == 0 {
		c.errf("no NetworkPolicy")
	}
	for _, p := range pols {
		c.checkNetworkPolicy(p, d)
	}
	return c.errs
}

type checker struct {
	name string
	errs []error
}

func (c *checker) errf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

func (c *checker) checkMeta(o runtime.Object) {
	type named interface {
		GetName() string
		GetLabels() map[string]string
		GetNamespace() string
	}
	m, ok := o.(named)
	if !ok {
		return
	}
	kind := fmt.Sprintf("%T", o)
	for _, msg := range validation.IsDNS1123Subdomain(m.GetName()) {
		c.errf("%s name %q: %s", kind, m.GetName(), msg)
	}
	if m.GetNamespace() != "" {
		c.errf("%s %s sets namespace %q: leave it to kubectl apply -n", kind, m.GetName(), m.GetNamespace())
	}
	if got, want := m.GetLabels()["app"], "baton-"+c.name; got != want {
		c.errf("%s %s label app: got %q, want %q", kind, m.GetName(), got, want)
	}
	for k, v := range m.GetLabels() {
		for _, msg := range validation.IsValidLabelValue(v) {
			c.errf("%s %s label %s=%q: %s", kind, m.GetName(), k, v, msg)
		}
	}
}

func (c *checker) checkDeployment(d *appsv1.Deployment, sas map[string]*corev1.ServiceAccount, pvcs map[string]*corev1.PersistentVolumeClaim) {
	want := "baton-" + c.name
	if d.Name != want {
		c.errf("Deployment name: got %q, want %q", d.Name, want)
	}
	tl := d.Spec.Template.Labels
	for k, v := range map[string]string{"baton": "true", "baton-app": c.name, "app": want} {
		if tl[k] != v {
			c.errf("pod label %s: got %q, want %q", k, tl[k], v)
		}
	}
	if d.Spec.Selector == nil || len(d.Spec.Selector.MatchLabels) == 0 {
		c.errf("Deployment has no selector")
	} else if sel, err := metaSelector(d.Spec.Selector.MatchLabels); err != nil || !sel.Matches(labels.Set(tl)) {
		c.errf("Deployment selector %v does not select its pod labels %v", d.Spec.Selector.MatchLabels, tl)
	}

	ps := d.Spec.Template.Spec
	if ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken {
		c.errf("pod automountServiceAccountToken: got %v, want false", deref(ps.AutomountServiceAccountToken))
	}
	if ps.ServiceAccountName != "" && ps.ServiceAccountName != "default" {
		sa, ok := sas[ps.ServiceAccountName]
		switch {
		case !ok:
			c.errf("ServiceAccount %s is used but not part of the overlay", ps.ServiceAccountName)
		case sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken:
			c.errf("ServiceAccount %s automountServiceAccountToken: got %v, want false", sa.Name, deref(sa.AutomountServiceAccountToken))
		}
	}
	if ps.HostNetwork || ps.HostPID || ps.HostIPC {
		c.errf("pod uses a host namespace")
	}
	psc := ps.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	if psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		c.errf("pod runAsUser: got 0, want non-root")
	}

	// Volumes: only the kinds "restricted" allows; remember emptyDirs and PVCs.
	emptyDirs := map[string]bool{}
	claims := map[string]string{}
	for _, v := range ps.Volumes {
		switch {
		case v.EmptyDir != nil:
			emptyDirs[v.Name] = true
			if v.EmptyDir.SizeLimit == nil {
				c.errf("emptyDir %s has no sizeLimit", v.Name)
			}
		case v.PersistentVolumeClaim != nil:
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
			if _, ok := pvcs[v.PersistentVolumeClaim.ClaimName]; !ok {
				c.errf("volume %s claims %s, which is not part of the overlay", v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		case v.Secret != nil, v.ConfigMap != nil, v.Projected != nil, v.DownwardAPI != nil, v.CSI != nil, v.Ephemeral != nil:
		default:
			c.errf("volume %s: its type is not allowed by Pod Security restricted", v.Name)
		}
	}
	if len(claims) > 0 {
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
			c.errf("Deployment with a PersistentVolumeClaim: replicas got %v, want 1", deref(d.Spec.Replicas))
		}
		if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
			c.errf("Deployment with a PersistentVolumeClaim: strategy got %q, want Recreate", d.Spec.Strategy.Type)
		}
	}

	all := append(slices.Clone(ps.InitContainers), ps.Containers...)
	if len(ps.Containers) != 1 {
		c.errf("got %d containers, want 1", len(ps.Containers))
	}
	for _, ct := range all {
		c.checkContainer(ct, psc, emptyDirs)
	}
	if len(ps.Containers) == 1 {
		ct := ps.Containers[0]
		if img, wantPrefix := ct.Image, Image+want; img != wantPrefix && !strings.HasPrefix(img, wantPrefix+":") && !strings.HasPrefix(img, wantPrefix+"@") {
			c.errf("image: got %q, want %s[:tag|@digest]", img, wantPrefix)
		}
		if ct.ImagePullPolicy != corev1.PullIfNotPresent {
			c.errf("imagePullPolicy: got %q, want IfNotPresent", ct.ImagePullPolicy)
		}
		found := false
		for _, ef := range ct.EnvFrom {
			if ef.SecretRef != nil && ef.SecretRef.Name == SecretName(c.name) {
				found = true
			}
		}
		if !found {
			c.errf("container %s: envFrom does not name Secret %s", ct.Name, SecretName(c.name))
		}
		for _, e := range ct.Env {
			if e.ValueFrom == nil && looksSecret(e.Name) && !strings.HasPrefix(e.Value, "/") {
				c.errf("env %s holds a literal secret: use the Secret", e.Name)
			}
		}
		// Every mounted PVC must be written to by something the connector
		// is told about (for Xero, the token store).
		for _, m := range ct.VolumeMounts {
			if _, ok := claims[m.Name]; !ok {
				continue
			}
			used := false
			for _, e := range ct.Env {
				if e.Value != "" && strings.HasPrefix(path.Clean(e.Value)+"/", path.Clean(m.MountPath)+"/") {
					used = true
				}
			}
			if !used {
				c.errf("volume %s at %s: no environment variable points into it", m.Name, m.MountPath)
			}
		}
	}
}

func (c *checker) checkContainer(ct corev1.Container, psc *corev1.PodSecurityContext, emptyDirs map[string]bool) {
	sc := ct.SecurityContext
	if sc == nil {
		c.errf("container %s has no securityContext", ct.Name)
		sc = &corev1.SecurityContext{}
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		c.errf("container %s allowPrivilegeEscalation: got %v, want false", ct.Name, deref(sc.AllowPrivilegeEscalation))
	}
	if sc.Privileged != nil && *sc.Privileged {
		c.errf("container %s is privileged", ct.Name)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		c.errf("container %s readOnlyRootFilesystem: got %v, want true", ct.Name, deref(sc.ReadOnlyRootFilesystem))
	}
	nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) || (sc.RunAsNonRoot == nil && psc.RunAsNonRoot != nil && *psc.RunAsNonRoot)
	if !nonRoot {
		c.errf("container %s runAsNonRoot: not true in the container or the pod", ct.Name)
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		c.errf("container %s runAsUser: got 0, want non-root", ct.Name)
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = psc.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		c.errf("container %s seccompProfile: got %v, want RuntimeDefault", ct.Name, seccomp)
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, corev1.Capability("ALL")) {
		c.errf("container %s capabilities: ALL is not dropped", ct.Name)
	} else if len(sc.Capabilities.Add) > 0 {
		c.errf("container %s adds capabilities %v", ct.Name, sc.Capabilities.Add)
	}
	for _, p := range ct.Ports {
		if p.HostPort != 0 {
			c.errf("container %s uses hostPort %d", ct.Name, p.HostPort)
		}
	}
	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := ct.Resources.Requests[res]
		lim, hasLim := ct.Resources.Limits[res]
		if !hasReq || req.IsZero() {
			c.errf("container %s has no %s request", ct.Name, res)
		}
		if !hasLim || lim.IsZero() {
			c.errf("container %s has no %s limit", ct.Name, res)
		}
		if hasReq && hasLim && req.Cmp(lim) > 0 {
			c.errf("container %s %s request %s exceeds its limit %s", ct.Name, res, req.String(), lim.String())
		}
	}

	c.checkProbes(ct)

	// The SDK's temp dir: an emptyDir mounted writable where TempDirEnv
	// points (the root file system is read-only).
	tmp := ""
	for _, e := range ct.Env {
		if e.Name == TempDirEnv {
			tmp = e.Value
		}
	}
	if tmp == "" {
		c.errf("container %s does not set %s", ct.Name, TempDirEnv)
		return
	}
	ok := false
	for _, m := range ct.VolumeMounts {
		if path.Clean(m.MountPath) == path.Clean(tmp) && emptyDirs[m.Name] && !m.ReadOnly {
			ok = true
		}
	}
	if !ok {
		c.errf("container %s: %s=%s is not a writable emptyDir mount", ct.Name, TempDirEnv, tmp)
	}
}

func (c *checker) checkNetworkPolicy(p *networkingv1.NetworkPolicy, d *appsv1.Deployment) {
	sel, err := metaSelector(p.Spec.PodSelector.MatchLabels)
	if err != nil || len(p.Spec.PodSelector.MatchLabels) == 0 || len(p.Spec.PodSelector.MatchExpressions) > 0 {
		c.errf("NetworkPolicy %s: podSelector must be plain matchLabels", p.Name)
	} else if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		c.errf("NetworkPolicy %s: podSelector %v does not select the connector's pods %v", p.Name, p.Spec.PodSelector.MatchLabels, d.Spec.Template.Labels)
	}
	types := map[networkingv1.PolicyType]bool{}
	for _, t := range p.Spec.PolicyTypes {
		types[t] = true
	}
	if !types[networkingv1.PolicyTypeIngress] || !types[networkingv1.PolicyTypeEgress] {
		c.errf("NetworkPolicy %s policyTypes: got %v, want Ingress and Egress", p.Name, p.Spec.PolicyTypes)
	}
	if len(p.Spec.Ingress) > 0 {
		c.errf("NetworkPolicy %s allows ingress: the connector serves nothing", p.Name)
	}
	if len(p.Spec.Egress) == 0 {
		c.errf("NetworkPolicy %s allows no egress: the connector needs DNS and HTTPS", p.Name)
	}
	got := map[string]bool{}
	for i, r := range p.Spec.Egress {
		if len(r.Ports) == 0 {
			c.errf("NetworkPolicy %s egress rule %d allows every port", p.Name, i)
		}
		for _, pt := range r.Ports {
			proto := corev1.ProtocolTCP
			if pt.Protocol != nil {
				proto = *pt.Protocol
			}
			if pt.Port == nil || pt.EndPort != nil {
				c.errf("NetworkPolicy %s egress rule %d: a port range is allowed", p.Name, i)
				continue
			}
			k := fmt.Sprintf("%s/%s", proto, pt.Port.String())
			if !slices.Contains(allowedEgress, k) {
				c.errf("NetworkPolicy %s egress allows %s: want only %v", p.Name, k, allowedEgress)
			}
			got[k] = true
		}
	}
	for _, k := range allowedEgress {
		if !got[k] {
			c.errf("NetworkPolicy %s egress: %s is not allowed, the connector needs it", p.Name, k)
		}
	}
}

// CheckSecretExample returns every way an example Secret differs from what
// the vendor's setup steps create: the name, type Opaque, stringData with
// at least the keys given, and no value that looks real (secret-like keys
// must hold a "<placeholder>").
func CheckSecretExample(connector string, objs []runtime.Object, wantKeys []string) []error {
	var errs []error
	if len(objs) != 1 {
		return []error{fmt.Errorf("got %d objects, want 1 Secret", len(objs))}
	}
	s, ok := objs[0].(*corev1.Secret)
	if !ok {
		return []error{fmt.Errorf("got %T, want a Secret", objs[0])}
	}
	if s.Name != SecretName(connector) {
		errs = append(errs, fmt.Errorf("secret name: got %q, want %q", s.Name, SecretName(connector)))
	}
	if s.Type != corev1.SecretTypeOpaque {
		errs = append(errs, fmt.Errorf("secret type: got %q, want Opaque", s.Type))
	}
	if len(s.Data) > 0 {
		errs = append(errs, errors.New("secret has data: write examples as stringData"))
	}
	for _, k := range wantKeys {
		if _, ok := s.StringData[k]; !ok {
			errs = append(errs, fmt.Errorf("secret has no key %s", k))
		}
	}
	for k, v := range s.StringData {
		if !strings.HasPrefix(k, "BATON_") {
			errs = append(errs, fmt.Errorf("secret key %s: want a BATON_ variable", k))
		}
		if looksSecret(k) && (!strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">")) {
			errs = append(errs, fmt.Errorf("secret key %s holds %q: want a <placeholder>, never a real value", k, v))
		}
	}
	return errs
}

func looksSecret(env string) bool {
	for _, w := range []string{"SECRET", "TOKEN", "KEY", "PASSWORD", "CLIENT_ID"} {
		if strings.Contains(env, w) {
			return !strings.HasSuffix(env, "_FILE") && !strings.HasSuffix(env, "_STORE")
		}
	}
	return false
}

func metaSelector(m map[string]string) (labels.Selector, error) {
	return labels.ValidatedSelectorFromSet(m)
}

func deref[T any](p *T) any {
	if p == nil {
		return "unset"
	}
	return *p
}

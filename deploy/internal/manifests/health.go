// The rule that the connector's container uses the SDK's health check server
// for its probes, as baton-sdk v0.25.0 serves it (pkg/healthcheck/server.go).
package manifests

import (
	"net"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// The SDK's health check: enabled by BATON_HEALTH_CHECK (--health-check),
// on BATON_HEALTH_CHECK_PORT (--health-check-port, default 8081), bound to
// BATON_HEALTH_CHECK_BIND_ADDRESS (--health-check-bind-address, default
// 127.0.0.1: the kubelet probes the pod IP, so it must be set to all
// interfaces). Paths: /live (always 200), /ready (200 once the connector
// client exists), /health (runs the connector's Validate).
const (
	HealthCheckEnv            = "BATON_HEALTH_CHECK"
	HealthCheckPortEnv        = "BATON_HEALTH_CHECK_PORT"
	HealthCheckBindAddressEnv = "BATON_HEALTH_CHECK_BIND_ADDRESS"
	DefaultHealthCheckPort    = 8081
	LivePath                  = "/live"
	ReadyPath                 = "/ready"
)

func (c *checker) checkProbes(ct corev1.Container) {
	env := map[string]string{}
	for _, e := range ct.Env {
		env[e.Name] = e.Value
	}
	if v, _ := strconv.ParseBool(env[HealthCheckEnv]); !v {
		c.errf("container %s: %s=%q, want true (the SDK's health check server)", ct.Name, HealthCheckEnv, env[HealthCheckEnv])
	}
	port := DefaultHealthCheckPort
	if v, ok := env[HealthCheckPortEnv]; ok {
		p, err := strconv.Atoi(v)
		if err != nil {
			c.errf("container %s: %s=%q is not a port", ct.Name, HealthCheckPortEnv, v)
		}
		port = p
	}
	if ip := net.ParseIP(env[HealthCheckBindAddressEnv]); ip == nil || !ip.IsUnspecified() {
		c.errf("container %s: %s=%q, want 0.0.0.0 (the SDK binds 127.0.0.1 by default, out of the kubelet's reach)",
			ct.Name, HealthCheckBindAddressEnv, env[HealthCheckBindAddressEnv])
	}
	for _, p := range []struct {
		kind, path string
		probe      *corev1.Probe
	}{
		{"startupProbe", LivePath, ct.StartupProbe},
		{"livenessProbe", LivePath, ct.LivenessProbe},
		{"readinessProbe", ReadyPath, ct.ReadinessProbe},
	} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			c.errf("container %s has no %s httpGet, want GET %s on port %d", ct.Name, p.kind, p.path, port)
			continue
		}
		g := p.probe.HTTPGet
		if g.Path != p.path {
			c.errf("container %s %s path: got %q, want %q", ct.Name, p.kind, g.Path, p.path)
		}
		if g.Scheme != "" && g.Scheme != corev1.URISchemeHTTP {
			c.errf("container %s %s scheme: got %s, want HTTP", ct.Name, p.kind, g.Scheme)
		}
		if got := probePort(ct, g.Port.String()); got != port {
			c.errf("container %s %s port: got %s (%d), want the health check port %d", ct.Name, p.kind, g.Port.String(), got, port)
		}
	}
}

// probePort resolves a probe's port, a number or a container port's name;
// 0 when a name matches no port.
func probePort(ct corev1.Container, s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	for _, p := range ct.Ports {
		if p.Name == s {
			return int(p.ContainerPort)
		}
	}
	return 0
}

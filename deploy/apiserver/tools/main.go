// Command k8scheck starts a real etcd and kube-apiserver on 127.0.0.1, creates
// a namespace that enforces and warns on Pod Security "restricted", creates
// every object of the given manifest files in it with strict field
// validation, creates a Pod from each Deployment's template (Pod Security
// enforcement applies to pods, not to Deployments), and stops both servers.
// Any rejection or any warning fails the run. Two canaries (a Pod that is not
// "restricted" must be rejected, such a Deployment must draw a warning) prove the
// policy is really in force.
//
//	k8scheck -bin bin/k8s-v1.36.3-etcd-v3.6.8 -timeout 5m dist/manifests/*.yaml deploy/*/secret.example.yaml
//
// The binaries come from this module (see the Makefile's k8s-check target).
// Nothing listens on anything but loopback; everything lives in a temp dir
// that is removed at the end.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

const namespace = "baton-check"

func main() {
	bin := flag.String("bin", "", "directory holding etcd and kube-apiserver")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound on the whole run")
	verbose := flag.Bool("v", false, "print the servers' logs")
	flag.Parse()
	if *bin == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: k8scheck -bin DIR [-timeout 5m] MANIFEST...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	err := run(ctx, *bin, flag.Args(), *verbose)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-check: FAIL:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string, files []string, verbose bool) (err error) {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "k8scheck-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	c, err := startCluster(ctx, bin, tmp)
	defer func() {
		c.stop()
		if err != nil || verbose {
			c.dumpLogs(os.Stderr)
		}
	}()
	if err != nil {
		return err
	}
	fmt.Printf("k8s-check: kube-apiserver ready on %s after %s\n", c.url, time.Since(start).Round(100*time.Millisecond))

	w := &warnings{}
	cfg := &rest.Config{
		Host:            c.url,
		BearerToken:     c.token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true}, // loopback, self-signed, this run only
		WarningHandler:  w,
		QPS:             50,
		Burst:           100,
	}
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/warn":            "restricted",
		"pod-security.kubernetes.io/warn-version":    "latest",
		"pod-security.kubernetes.io/audit":           "restricted",
	}}}
	if _, err := kc.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	// The "default" ServiceAccount, which kube-controller-manager (not run
	// here) would create: the ServiceAccount admission plugin looks it up.
	no := false
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}, AutomountServiceAccountToken: &no}
	if _, err := kc.CoreV1().ServiceAccounts(namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("default service account: %w", err)
	}
	if err := canaries(ctx, kc, w); err != nil {
		return err
	}

	var failures []error
	created, pods := 0, 0
	for _, f := range files {
		objs, err := readObjects(f)
		if err != nil {
			return err
		}
		for _, o := range objs {
			what := fmt.Sprintf("%s: %s %s", f, o.GetKind(), o.GetName())
			w.reset()
			if err := create(ctx, dc, mapper, o); err != nil {
				failures = append(failures, fmt.Errorf("%s: rejected: %w", what, err))
				continue
			}
			created++
			if got := w.take(); len(got) > 0 {
				failures = append(failures, fmt.Errorf("%s: warnings: %s", what, strings.Join(got, "; ")))
			}
			if o.GetKind() != "Deployment" {
				continue
			}
			// Enforcement applies to pods: admit the pod this Deployment
			// would create (no controller-manager runs here).
			if err := createPodFrom(ctx, kc, o); err != nil {
				failures = append(failures, fmt.Errorf("%s: its pod is rejected: %w", what, err))
				continue
			}
			pods++
			if got := w.take(); len(got) > 0 {
				failures = append(failures, fmt.Errorf("%s: its pod drew warnings: %s", what, strings.Join(got, "; ")))
			}
			fmt.Printf("k8s-check: %s: Deployment and its Pod admitted under restricted\n", what)
		}
	}
	if err := errors.Join(failures...); err != nil {
		return err
	}
	fmt.Printf("k8s-check: ok: %d objects from %d files and %d pods admitted in namespace %s (enforce+warn restricted), 0 warnings, %s in all\n",
		created, len(files), pods, namespace, time.Since(start).Round(100*time.Millisecond))
	return nil
}

// canaries prove that the namespace really enforces and warns: a pod that is
// not "restricted" must be refused, and a Deployment with one must draw a
// warning.
func canaries(ctx context.Context, kc *kubernetes.Clientset, w *warnings) error {
	// Baseline-compliant but not restricted: no securityContext at all.
	spec := corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "example.invalid/canary"}}}
	dry := []string{metav1.DryRunAll}
	_, err := kc.CoreV1().Pods(namespace).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "canary"}, Spec: spec}, metav1.CreateOptions{DryRun: dry})
	if err == nil {
		return errors.New("canary: an unrestricted pod was admitted, want a PodSecurity rejection")
	}
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "PodSecurity") {
		return fmt.Errorf("canary: an unrestricted pod: got %w, want a PodSecurity rejection", err)
	}
	w.reset()
	obj := &unstructured.Unstructured{}
	obj.SetUnstructuredContent(map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "canary"},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"a": "b"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"a": "b"}},
				"spec":     mustUnstructured(&spec),
			},
		},
	})
	res, err := kc.AppsV1().RESTClient().Post().Namespace(namespace).Resource("deployments").
		Param("dryRun", "All").Body(mustJSON(obj)).Do(ctx).Raw()
	if err != nil {
		return fmt.Errorf("canary: an unrestricted Deployment: %w (%s)", err, res)
	}
	if got := w.take(); len(got) == 0 {
		return errors.New("canary: an unrestricted Deployment drew no warning: warn=restricted is not in force")
	}
	fmt.Println("k8s-check: canaries ok: an unrestricted Pod is rejected, an unrestricted Deployment draws a warning")
	return nil
}

func create(ctx context.Context, dc dynamic.Interface, mapper meta.RESTMapper, o *unstructured.Unstructured) error {
	gvk := o.GroupVersionKind()
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	var ri dynamic.ResourceInterface = dc.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = dc.Resource(m.Resource).Namespace(namespace)
	}
	_, err = ri.Create(ctx, o, metav1.CreateOptions{FieldValidation: "Strict", FieldManager: "k8s-check"})
	return err
}

func createPodFrom(ctx context.Context, kc *kubernetes.Clientset, d *unstructured.Unstructured) error {
	tmpl, ok, err := unstructured.NestedMap(d.Object, "spec", "template")
	if err != nil {
		return fmt.Errorf("pod template: %w", err)
	}
	if !ok {
		return errors.New("no pod template")
	}
	var pt corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(tmpl, &pt, true); err != nil {
		return err
	}
	pod := &corev1.Pod{ObjectMeta: pt.ObjectMeta, Spec: pt.Spec}
	pod.Name = d.GetName() + "-pod"
	_, err = kc.CoreV1().Pods(namespace).Create(ctx, pod, metav1.CreateOptions{FieldValidation: "Strict"})
	return err
}

func readObjects(path string) ([]*unstructured.Unstructured, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := r.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no objects", path)
	}
	return out, nil
}

// warnings collects the API server's Warning headers.
type warnings struct {
	mu  sync.Mutex
	got []string
}

func (w *warnings) HandleWarningHeader(code int, agent, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, text)
}

func (w *warnings) reset() { _ = w.take() }

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.got
	w.got = nil
	return g
}

// cluster is an etcd and a kube-apiserver on loopback.
type cluster struct {
	url, token string
	procs      []*exec.Cmd
	logs       []string
}

func startCluster(ctx context.Context, bin, tmp string) (*cluster, error) {
	c := &cluster{}
	ports, err := freePorts(3)
	if err != nil {
		return c, err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	if err := c.start(ctx, tmp, filepath.Join(bin, "etcd"),
		"--name", "k8scheck", "--data-dir", filepath.Join(tmp, "etcd"),
		"--listen-client-urls", etcdClient, "--advertise-client-urls", etcdClient,
		"--listen-peer-urls", etcdPeer, "--initial-advertise-peer-urls", etcdPeer,
		"--initial-cluster", "k8scheck="+etcdPeer, "--log-level", "warn",
		"--unsafe-no-fsync",
	); err != nil {
		return c, err
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return c, err
	}
	saKey := filepath.Join(tmp, "sa.key")
	if err := os.WriteFile(saKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return c, err
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return c, err
	}
	c.token = hex.EncodeToString(tok)
	tokens := filepath.Join(tmp, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(c.token+",k8s-check,k8s-check,system:masters\n"), 0o600); err != nil {
		return c, err
	}
	c.url = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	if err := c.start(ctx, tmp, filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers", etcdClient,
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
		"--secure-port", fmt.Sprint(ports[2]),
		"--cert-dir", filepath.Join(tmp, "certs"),
		"--token-auth-file", tokens,
		"--anonymous-auth=false",
		"--authorization-mode", "RBAC",
		"--service-account-key-file", saKey,
		"--service-account-signing-key-file", saKey,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-cluster-ip-range", "10.0.0.0/24",
		"--profiling=false",
		"--enable-priority-and-fairness=false",
	); err != nil {
		return c, err
	}
	return c, c.waitReady(ctx)
}

func (c *cluster) start(ctx context.Context, tmp, path string, args ...string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("%s: %w (run make k8s-check, which builds it)", path, err)
	}
	logPath := filepath.Join(tmp, filepath.Base(path)+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...) //nolint:gosec // our own etcd and kube-apiserver, built by make
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = lf.Close()
		return err
	}
	c.procs = append(c.procs, cmd)
	c.logs = append(c.logs, logPath)
	return nil
}

func (c *cluster) waitReady(ctx context.Context) error {
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback, self-signed, this run only
	}}
	deadline := time.Now().Add(2 * time.Minute)
	var last string
	for time.Now().Before(deadline) {
		for _, p := range c.procs {
			if p.ProcessState != nil {
				return fmt.Errorf("%s exited", p.Path)
			}
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.url+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := hc.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(b)))
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return fmt.Errorf("kube-apiserver not ready after 2m: %s", last)
}

// stop ends the servers in reverse order: SIGTERM, then SIGKILL after 10s.
func (c *cluster) stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	c.procs = nil
	fmt.Println("k8s-check: etcd and kube-apiserver stopped")
}

func (c *cluster) dumpLogs(w io.Writer) {
	for _, l := range c.logs {
		b, _ := os.ReadFile(l)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		fmt.Fprintf(w, "---- %s (last %d lines)\n%s\n", filepath.Base(l), len(lines), strings.Join(lines, "\n"))
	}
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func mustUnstructured(v any) map[string]any {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(v)
	if err != nil {
		panic(err)
	}
	return m
}

func mustJSON(o *unstructured.Unstructured) []byte {
	b, err := o.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return b
}

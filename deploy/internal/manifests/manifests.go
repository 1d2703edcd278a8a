// Package manifests renders the deploy/<name> kustomize overlays in process,
// decodes the result strictly into the Kubernetes API types (an unknown or
// misspelt field is an error, as with kubectl's server-side field
// validation), and checks the hardening every connector's deployment must
// keep (Check).
//
// Only the render command and the deploy module's tests import it.
package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Render builds the kustomization in dir (an overlay or the base) as
// `kubectl kustomize dir` would, and returns the YAML stream.
func Render(dir string) ([]byte, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("manifests: kustomize %s: %w", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("manifests: kustomize %s: %w", dir, err)
	}
	return out, nil
}

// scheme knows only the kinds a connector's deployment may contain: anything
// else is reported rather than passed through unchecked.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, networkingv1.AddToScheme} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

var strictDecoder = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

// Decode splits a YAML stream and decodes each document strictly into its
// typed object: unknown fields, duplicate fields and kinds other than those
// of core/v1, apps/v1 and networking.k8s.io/v1 are errors.
func Decode(stream []byte) ([]runtime.Object, error) {
	r := utilyaml.NewYAMLReader(bufioReader(stream))
	var objs []runtime.Object
	var errs []error
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("manifests: document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || isCommentOnly(doc) {
			continue
		}
		obj, gvk, err := strictDecoder.Decode(doc, nil, nil)
		if err != nil {
			what := "document " + fmt.Sprint(i)
			if gvk != nil {
				what += " (" + gvk.Kind + ")"
			}
			errs = append(errs, fmt.Errorf("manifests: %s: %w", what, err))
			continue
		}
		objs = append(objs, obj)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return objs, nil
}

func isCommentOnly(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if len(l) > 0 && l[0] != '#' {
			return false
		}
	}
	return true
}

// Package deploy holds what ships the connectors: the OCI image builder
// (cmd/imagebuild, internal/ociimage), the kustomize base and one overlay per
// connector (base/, <name>/), the overlay renderer and its hardening checks
// (cmd/render, internal/manifests), the Dockerfile, and the tests that hold
// all of it, and the CI workflows, to the same rules.
//
// It is a module of its own, outside go.work, always built with GOWORK=off:
// its Kubernetes and registry dependencies never meet the connectors'.
// apiserver/tools is a second module that builds a real kube-apiserver and
// etcd for `make k8s-check`.
package deploy

// Package typescoped pages a connector's answers to baton-sdk's type-scoped
// entitlement and grant calls (TypeScopedEntitlements, TypeScopedGrants):
// one call per resource type instead of one per resource. The items are an
// in-memory list the connector already holds (its organisations, its
// workspace model); a page token is an offset into it.
//
// The first call answers the first page and spawns the following pages as
// sibling cursors (EnqueuePageTokens), so baton-sdk's workers store them
// concurrently; past the SDK's cap of 1,024 spawned tokens per answer, the
// last page of a batch chains to the next batch. Every item is answered by
// exactly one page.
package typescoped

import (
	"fmt"
	"strconv"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// MaxSpawn is how many sibling cursors one answer may spawn (baton-sdk
// v0.25.0 refuses more than 1,024 page tokens in one EnqueuePageTokens).
const MaxSpawn = 1024

// Token prefixes: a head answers its page and spawns the pages after it;
// a single page answers itself only.
const (
	headPrefix   = "h"
	singlePrefix = "p"
)

// Page is one answer: the items [Start, End) of the list, and the results
// to return with them (the next head, the spawned siblings).
type Page struct {
	Start, End int
	Results    *resource.SyncOpResults
}

// Plan answers the call with page token token over a list of n items in
// pages of size. A token this package did not write is InvalidArgument.
func Plan(token string, n, size int) (Page, error) {
	if size <= 0 {
		return Page{}, fmt.Errorf("typescoped: page size %d, want > 0", size)
	}
	head, offset, err := parse(token)
	if err != nil {
		return Page{}, err
	}
	// The list may have shrunk since the token was written (a sync
	// resumed in a new process): an offset past the end answers nothing.
	start := min(offset, n)
	end := min(start+size, n)
	p := Page{Start: start, End: end, Results: &resource.SyncOpResults{}}
	if !head {
		return p, nil
	}
	var spawn []string
	next := end
	for ; next < n && len(spawn) < MaxSpawn-1; next += size {
		spawn = append(spawn, singlePrefix+strconv.Itoa(next))
	}
	if next < n {
		// The last slot of the batch is the next head, so the chain
		// goes on past the SDK's cap.
		spawn = append(spawn, headPrefix+strconv.Itoa(next))
	}
	if len(spawn) > 0 {
		p.Results.Annotations = annotations.New(v2.EnqueuePageTokens_builder{
			PageTokens:     spawn,
			EstimatedTotal: int64(n),
		}.Build())
	}
	return p, nil
}

func parse(token string) (head bool, offset int, err error) {
	if token == "" {
		return true, 0, nil
	}
	var digits string
	switch {
	case strings.HasPrefix(token, headPrefix):
		head, digits = true, strings.TrimPrefix(token, headPrefix)
	case strings.HasPrefix(token, singlePrefix):
		digits = strings.TrimPrefix(token, singlePrefix)
	default:
		return false, 0, badToken(token)
	}
	offset, err = strconv.Atoi(digits)
	if err != nil || offset < 0 || strconv.Itoa(offset) != digits {
		return false, 0, badToken(token)
	}
	return head, offset, nil
}

func badToken(token string) error {
	return status.Errorf(codes.InvalidArgument, "typescoped: page token %q was not written by this connector", token)
}

package workato

// The folder prefetch: every project's folder tree of one environment, read
// inside the load (concurrently with the collaborator reads, in the folders
// quota), so the folder syncer lists from the model with no API call.
//
// Each project's root folder is asked with_nested_folders=true (reference
// §2.10, UNCERTAIN): where Workato returns the whole subtree, a project costs
// ⌊n/100⌋+1 requests for its n folders. When no answer of the environment
// holds a folder deeper than the one asked for, the flag was ignored (or every
// tree is one level deep, which cannot be told apart): the load falls back to
// asking every folder for its children, one level a request, as before.

import (
	"context"
	"fmt"
	"sync"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

func (w *workspace) loadFolders(ctx context.Context, e envClient, el *envLoaded, projects *latch[[]workatoapi.Project]) error {
	list, err := projects.wait(ctx)
	if err != nil {
		return err
	}
	// One nested read from each project's root folder.
	first := make([][]workatoapi.Folder, len(list))
	eg := new(errgroup.Group)
	eg.SetLimit(treeWorkers)
	for i, p := range list {
		if p.FolderID.IsZero() {
			continue
		}
		eg.Go(func() error {
			got, err := allPages(ctx, workatoapi.RouteFolders, folderID, func(ctx context.Context, page int) ([]workatoapi.Folder, error) {
				return e.API.ListFoldersNested(ctx, p.FolderID, page)
			})
			if httpx.IsNotFound(err) {
				el.vanish(w.log, p.ID)
				return nil
			}
			if err != nil {
				return wrap(envWhat(e.Env, fmt.Sprintf("list folders of project %s", p.ID)), err)
			}
			first[i] = got
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	nested := false
	for i, p := range list {
		for _, f := range first[i] {
			if f.ParentID != p.FolderID && f.ID != p.FolderID {
				nested = true
			}
		}
	}
	el.Nested = nested
	for i, p := range list {
		if first[i] != nil {
			el.Folders[p.ID] = first[i]
		}
	}
	if nested {
		return nil
	}
	return w.walkFolders(ctx, e, el, list)
}

// walkFolders asks every folder found so far, and every folder found below
// it, for its children. A folder deleted after its parent listed it
// answers 404: it is left out, said so.
func (w *workspace) walkFolders(ctx context.Context, e envClient, el *envLoaded, list []workatoapi.Project) error {
	eg, ectx := errgroup.WithContext(ctx)
	sem := make(chan struct{}, treeWorkers)
	var mu sync.Mutex
	seen := map[workatoapi.ID]bool{}
	var visit func(pid, fid workatoapi.ID)
	visit = func(pid, fid workatoapi.ID) {
		mu.Lock()
		if seen[fid] {
			mu.Unlock()
			return
		}
		seen[fid] = true
		mu.Unlock()
		eg.Go(func() error {
			select {
			case sem <- struct{}{}:
			case <-ectx.Done():
				return ectx.Err()
			}
			kids, err := allPages(ectx, workatoapi.RouteFolders, folderID, func(ctx context.Context, page int) ([]workatoapi.Folder, error) {
				return e.API.ListFolders(ctx, fid, page)
			})
			<-sem
			if httpx.IsNotFound(err) {
				w.log.Info("workato: folder deleted during the sync; leaving it out",
					zap.String("environment", e.Env), zap.String("folder", fid.String()))
				mu.Lock()
				el.GoneFolders = append(el.GoneFolders, fid)
				mu.Unlock()
				return nil
			}
			if err != nil {
				return wrap(envWhat(e.Env, fmt.Sprintf("list folders in folder %s", fid)), err)
			}
			mu.Lock()
			el.Folders[pid] = append(el.Folders[pid], kids...)
			mu.Unlock()
			for _, k := range kids {
				visit(pid, k.ID)
			}
			return nil
		})
	}
	mu.Lock()
	start := map[workatoapi.ID][]workatoapi.ID{}
	for _, p := range list {
		for _, f := range el.Folders[p.ID] {
			start[p.ID] = append(start[p.ID], f.ID)
		}
	}
	mu.Unlock()
	for _, p := range list {
		for _, fid := range start[p.ID] {
			visit(p.ID, fid)
		}
	}
	return eg.Wait()
}

package workatofake

// Folder and project endpoints of the fake: GET /api/folders (one level,
// or a whole subtree when Options.NestedFolders serves
// with_nested_folders) and GET /api/projects, each answering only the
// calling client's environment's projects and folder trees.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// folderEnv is a folder's environment: its project's. Folders never
// change, so no lock is needed.
func (s *Server) folderEnv(f Folder) string { return s.projectEnv(f.ProjectID) }

func (s *Server) handleFolders(w http.ResponseWriter, r *http.Request) {
	env := clientOf(r).Env
	parent := 0
	if v := strings.TrimSpace(r.URL.Query().Get("parent_id")); v != "" {
		id, err := strconv.Atoi(v)
		i, known := s.folderByID[id]
		switch {
		case err == nil && id == s.ws.HomeFolderID:
		case err == nil && known && s.folderEnv(s.ws.Folders[i]) == env:
			parent = id
		default:
			writeMessage(w, http.StatusNotFound, msgNotFound)
			return
		}
	}
	var list []int
	if s.opts.NestedFolders == NestedSubtree && strings.EqualFold(strings.TrimSpace(r.URL.Query().Get("with_nested_folders")), "true") {
		list = s.subtree(parent, env)
	} else {
		list = s.childrenIn(parent, env)
	}
	page := fakeapi.Paginate(list, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]folderJSON, 0, len(page))
	for _, i := range page {
		f := s.ws.Folders[i]
		fj := folderJSON{ID: f.ID, Name: f.Name, IsProject: f.IsProject, CreatedAt: wtime(f.CreatedAt), UpdatedAt: wtime(f.UpdatedAt)}
		if f.ParentID != 0 {
			p := f.ParentID
			fj.ParentID = &p
		}
		if f.ProjectID != 0 {
			p := f.ProjectID
			fj.ProjectID = &p
		}
		out = append(out, fj)
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

// childrenIn returns the indexes of parent's direct children in env (for
// the Home folder, 0, env's project root folders).
func (s *Server) childrenIn(parent int, env string) []int {
	var out []int
	for _, i := range s.children[parent] {
		if s.folderEnv(s.ws.Folders[i]) == env {
			out = append(out, i)
		}
	}
	return out
}

// subtree returns every descendant of parent in env, depth first, each
// folder before its children (the order Workato uses is UNCERTAIN).
func (s *Server) subtree(parent int, env string) []int {
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, i := range s.childrenIn(p, env) {
			out = append(out, i)
			walk(s.ws.Folders[i].ID)
		}
	}
	walk(parent)
	return out
}

func (s *Server) handleProjects(w http.ResponseWriter, r *http.Request) {
	env := clientOf(r).Env
	var projects []Project
	for _, p := range s.ws.Projects {
		if envOf(p.Env) == env {
			projects = append(projects, p)
		}
	}
	page := fakeapi.Paginate(projects, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]projectJSON, 0, len(page))
	for _, p := range page {
		out = append(out, projectJSON{ID: p.ID, Description: p.Description, FolderID: p.FolderID, Name: p.Name})
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

package workatofake

// Folder and project endpoints of the fake: GET /api/folders and
// GET /api/projects.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

func (s *Server) handleFolders(w http.ResponseWriter, r *http.Request) {
	parent := 0
	if v := strings.TrimSpace(r.URL.Query().Get("parent_id")); v != "" {
		id, err := strconv.Atoi(v)
		_, known := s.folderByID[id]
		switch {
		case err == nil && id == s.ws.HomeFolderID:
		case err == nil && known:
			parent = id
		default:
			writeMessage(w, http.StatusNotFound, msgNotFound)
			return
		}
	}
	page := fakeapi.Paginate(s.children[parent], s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage)
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

func (s *Server) handleProjects(w http.ResponseWriter, r *http.Request) {
	page := fakeapi.Paginate(s.ws.Projects, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]projectJSON, 0, len(page))
	for _, p := range page {
		out = append(out, projectJSON{ID: p.ID, Description: p.Description, FolderID: p.FolderID, Name: p.Name})
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}
